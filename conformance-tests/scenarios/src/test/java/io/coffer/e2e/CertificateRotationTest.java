package io.coffer.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.agent.config.AgentConfig;
import io.coffer.control.ca.Pem;
import io.coffer.proto.v1.CommandOptions;
import io.coffer.proto.v1.CreateDatabaseRequest;
import io.coffer.proto.v1.CreateEnrollmentTokenRequest;
import io.coffer.proto.v1.Database;
import io.coffer.proto.v1.EnrollmentTokenServiceGrpc;
import io.coffer.proto.v1.GetInstanceRequest;
import io.coffer.proto.v1.InstanceStatus;
import io.coffer.proto.v1.ListDatabasesRequest;
import io.coffer.tck.Ports;
import io.coffer.tck.Testbed;
import io.coffer.tck.mysql.MysqlProvider;
import io.coffer.tck.process.AgentProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Short-lived certificates under load, with a real control, a real agent process and MariaDB: the
 * agent enrolls with a token, then, its certificates lasting 30 s, renews itself over its channel
 * several times while 8 callers create databases; the control closes each stream when the
 * certificate it was opened with expires and the agent reconnects with the renewed one. No command
 * fails and none is lost (every database created is there), the serial changes, and after a control
 * restart the agent connects with the certificate it renewed to last.
 */
class CertificateRotationTest {
  private static final String INSTANCE = "rot-a";
  private static final Duration LIFETIME = Duration.ofSeconds(30);
  private static final Duration LOAD = Duration.ofSeconds(75);
  private static final int CALLERS = 8;
  private static final Pattern RENEWED =
      Pattern.compile("renewed the agent's certificate: ([0-9a-f]+) until");

  private Testbed bed;

  @AfterEach
  void stop() {
    if (bed != null) {
      bed.close();
    }
  }

  @Test
  void anEnrolledAgentRenewsItsCertificateSeveralTimesUnderLoadAndNoCommandFails()
      throws Exception {
    MysqlProvider mysql = MysqlProvider.requireMariadb();
    Path work =
        Files.createTempDirectory(
            "coffer-rotation",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    bed = Testbed.start(work, c -> c.withAgentCertificateValidity(LIFETIME));
    String token =
        EnrollmentTokenServiceGrpc.newBlockingStub(
                bed.channel(bed.home().clientCert("admin"), bed.home().clientKey("admin")))
            .createEnrollmentToken(
                CreateEnrollmentTokenRequest.newBuilder().setInstanceId(INSTANCE).build())
            .getToken();
    Path state = work.resolve("agents").resolve(INSTANCE);
    AgentConfig config =
        new AgentConfig(
            INSTANCE,
            new AgentConfig.Control(
                "localhost",
                bed.agentPort(),
                bed.home().caCert(),
                state.resolve("tls/agent.pem"),
                state.resolve("tls/agent.key"),
                Duration.ofSeconds(2),
                new AgentConfig.Enrollment(token, "localhost", bed.apiPort())),
            state,
            mysql.pluginsDir(),
            Duration.ofMillis(500),
            mysql.datastore(work.resolve("data"), Ports.free()),
            new AgentConfig.Backup("local", bed.backupDir(), null));
    AgentProcess agent = bed.startAgentProcess(config);
    bed.awaitHealthy(INSTANCE, Duration.ofSeconds(120));
    // enrolled: the key was made in the state directory, private to the agent
    assertThat(Files.getPosixFilePermissions(config.control().keyFile()))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    String enrolled = serialInFile(config);

    Set<String> serialsSeen = ConcurrentHashMap.newKeySet();
    ConcurrentLinkedQueue<String> created = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    AtomicBoolean stopping = new AtomicBoolean();
    ExecutorService callers = Executors.newFixedThreadPool(CALLERS + 1);
    List<Future<?>> running = new ArrayList<>();
    for (int i = 0; i < CALLERS; i++) {
      int caller = i;
      running.add(
          callers.submit(
              () -> {
                for (int n = 0; !stopping.get(); n++) {
                  String name = "rot_" + caller + "_" + n;
                  try {
                    bed.databases()
                        .createDatabase(
                            CreateDatabaseRequest.newBuilder()
                                .setInstanceId(INSTANCE)
                                .setOptions(
                                    CommandOptions.newBuilder()
                                        .setCommandId("rot-" + caller + "-" + n)
                                        .setTimeoutMillis(60_000))
                                .setDatabase(Database.newBuilder().setName(name))
                                .build());
                    created.add(name);
                  } catch (RuntimeException e) {
                    failures.add(name + ": " + e);
                  }
                }
              }));
    }
    running.add(
        callers.submit(
            () -> {
              while (!stopping.get()) {
                serialsSeen.add(status().getCertificateSerial());
                Thread.sleep(500);
              }
              return null;
            }));
    Thread.sleep(LOAD.toMillis());
    stopping.set(true);
    for (Future<?> f : running) {
      f.get(90, TimeUnit.SECONDS);
    }
    callers.shutdown();

    assertThat(failures).as("commands that failed during rotation").isEmpty();
    assertThat(created).hasSizeGreaterThan(CALLERS * 5);
    List<String> present =
        bed
            .databases()
            .listDatabases(ListDatabasesRequest.newBuilder().setInstanceId(INSTANCE).build())
            .getDatabasesList()
            .stream()
            .map(Database::getName)
            .toList();
    assertThat(present).as("no acknowledged create is lost").containsAll(created);

    List<String> renewals = new ArrayList<>();
    Matcher m = RENEWED.matcher(Files.readString(agent.log()));
    while (m.find()) {
      renewals.add(m.group(1));
    }
    assertThat(renewals).as("renewals in the agent's log").hasSizeGreaterThanOrEqualTo(3);
    assertThat(serialsSeen).as("serials the control showed").hasSizeGreaterThanOrEqualTo(3);
    String latest = serialInFile(config);
    assertThat(latest).isNotEqualTo(enrolled).isEqualTo(renewals.get(renewals.size() - 1));

    // the next connection presents the certificate renewed last: a restarted control, which knows
    // only what agents connect with, shows it
    bed.stopControl();
    bed.startControl();
    bed.awaitHealthy(INSTANCE, Duration.ofSeconds(60));
    String before = serialInFile(config);
    String shown = status().getCertificateSerial();
    String after = serialInFile(config); // a renewal may fall in between
    assertThat(shown).isIn(before, after).isNotEqualTo(enrolled);
  }

  private InstanceStatus status() {
    return bed.instances()
        .getInstance(GetInstanceRequest.newBuilder().setInstanceId(INSTANCE).build());
  }

  private static String serialInFile(AgentConfig config) {
    return Pem.readCertificates(config.control().certFile()).get(0).getSerialNumber().toString(16);
  }
}
