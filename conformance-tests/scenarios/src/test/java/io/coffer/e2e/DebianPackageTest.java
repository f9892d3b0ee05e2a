package io.coffer.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.proto.v1.CreateEnrollmentTokenRequest;
import io.coffer.proto.v1.EnrollmentTokenServiceGrpc;
import io.coffer.proto.v1.GetInstanceRequest;
import io.coffer.proto.v1.ListDatabasesRequest;
import io.coffer.tck.Ports;
import io.coffer.tck.Testbed;
import io.coffer.tck.redis.RedisProvider;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's Debian package as image-builder makes it: what it declares and ships, and the agent
 * it carries run as its systemd unit runs it (the unit's ExecStart, on the extracted files, with
 * the packaged default configuration and the environment overrides an image gives at boot): it
 * loads the class archive the post-install would make, enrolls with a one-time token and serves
 * commands. Installing into a clean Debian guest is the guest-image tier's part.
 */
class DebianPackageTest {
  private static final Path DEB =
      Path.of(System.getProperty("coffer.deb", "target/deb/coffer-image-builder.deb"));

  @TempDir Path tmp;
  private Path dir;
  private Testbed bed;
  private Process agent;

  @BeforeEach
  void workDirectory() throws IOException {
    // traversable: the plugin runs the database server as its own user when the agent is root
    dir =
        Files.createDirectories(
            tmp.resolve("work"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @AfterEach
  void stop() throws Exception {
    if (agent != null && agent.isAlive()) {
      agent.destroyForcibly();
      agent.descendants().forEach(ProcessHandle::destroyForcibly);
    }
    if (bed != null) {
      bed.close();
    }
  }

  private static String run(List<String> command, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(command + ": " + out).isZero();
    return out;
  }

  private static String run(String... command) throws Exception {
    return run(List.of(command), Map.of());
  }

  @Test
  void thePackageDeclaresItsDependenciesShipsTheAgentAndItsUnitAndStartsNothing() throws Exception {
    String info = run("dpkg-deb", "--info", DEB.toString());
    assertThat(info)
        .contains("Package: coffer-agent")
        .containsPattern("Version: \\d+\\.\\d+\\.\\d+")
        .contains("Depends: adduser, openjdk-17-jre-headless | java17-runtime-headless");
    String contents = run("dpkg-deb", "--contents", DEB.toString());
    assertThat(contents)
        .contains(
            "./usr/bin/coffer-agent",
            "./usr/bin/coffer-archive-classes",
            "./usr/lib/coffer-agent/jvm.options",
            "./usr/lib/coffer-agent/plugins/coffer-plugin-mysql.zip",
            "./usr/lib/coffer-agent/plugins/coffer-plugin-postgresql.zip",
            "./usr/lib/coffer-agent/plugins/coffer-plugin-redis.zip",
            "./lib/systemd/system/coffer-agent.service",
            "./etc/coffer/agent.yaml")
        .containsPattern("\\./usr/lib/coffer-agent/lib/coffer-agent-runtime-[^ ]+\\.jar");

    Path control = dir.resolve("control");
    run("dpkg-deb", "--control", DEB.toString(), control.toString());
    assertThat(Files.readString(control.resolve("conffiles")).strip())
        .isEqualTo("/etc/coffer/agent.yaml");
    for (String script : List.of("postinst", "prerm", "postrm")) {
      Path file = control.resolve(script);
      assertThat(Files.isExecutable(file)).as(script).isTrue();
      run("sh", "-n", file.toString());
      // installing starts nothing: neither the agent nor a database server
      assertThat(Files.readString(file))
          .as(script)
          .doesNotContainPattern(
              "(systemctl|deb-systemd-invoke|invoke-rc\\.d|service)\\s+(\\S+\\s+)?(start|enable|restart)\\b");
    }
    assertThat(Files.readString(control.resolve("postinst")))
        .contains(
            "adduser --system", "install -d -m 0700 -o coffer -g coffer /var/lib/coffer-agent");

    Path root = extract();
    List<String> unit = Files.readAllLines(root.resolve("lib/systemd/system/coffer-agent.service"));
    assertThat(unit)
        .contains(
            "User=coffer",
            "NoNewPrivileges=yes",
            "ProtectSystem=strict",
            "ProtectHome=yes",
            "Restart=on-failure",
            "RestartPreventExitStatus=2",
            "SuccessExitStatus=143",
            "StateDirectory=coffer-agent",
            "ExecStart=/usr/bin/coffer-agent --config /etc/coffer/agent.yaml");
    // an unconfigured guest does not start as some instance: it says what is missing, exit code 2
    ProcessBuilder unconfigured =
        new ProcessBuilder(
                root.resolve("usr/bin/coffer-agent").toString(),
                "--config",
                root.resolve("etc/coffer/agent.yaml").toString())
            .redirectErrorStream(true);
    Process p = unconfigured.start();
    String said = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(said).isEqualTo(2);
    assertThat(said).contains("instanceId");
  }

  @Test
  void theUnitsCommandRunsThePackagedAgentWhichEnrollsWithATokenAndServesCommands()
      throws Exception {
    RedisProvider.requireRedis();
    Path root = extract();
    Path archive = dir.resolve("coffer-agent.jsa");
    run(root.resolve("usr/bin/coffer-archive-classes").toString(), archive.toString());
    assertThat(Files.size(archive)).as("the class archive").isGreaterThan(1 << 20);

    bed = Testbed.start(dir.resolve("bed"));
    String token =
        EnrollmentTokenServiceGrpc.newBlockingStub(
                bed.channel(bed.home().clientCert("admin"), bed.home().clientKey("admin")))
            .createEnrollmentToken(
                CreateEnrollmentTokenRequest.newBuilder().setInstanceId("deb-a").build())
            .getToken();

    // ExecStart, with the unit's paths taken into the extracted package
    String execStart =
        Files.readAllLines(root.resolve("lib/systemd/system/coffer-agent.service")).stream()
            .filter(l -> l.startsWith("ExecStart="))
            .findFirst()
            .orElseThrow()
            .substring("ExecStart=".length());
    List<String> command = new ArrayList<>();
    for (String word : execStart.split(" ")) {
      command.add(word.startsWith("/") ? root.resolve(word.substring(1)).toString() : word);
    }
    Path log = dir.resolve("agent.log");
    int redisPort = Ports.free();
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    // what an image's /etc/default/coffer-agent or cloud-init gives the packaged configuration
    pb.environment()
        .putAll(
            Map.ofEntries(
                Map.entry("COFFER_AGENT_INSTANCE_ID", "deb-a"),
                Map.entry("COFFER_AGENT_CONTROL__ADDRESS", "localhost:" + bed.agentPort()),
                Map.entry("COFFER_AGENT_CONTROL__CA_FILE", bed.home().caCert().toString()),
                Map.entry("COFFER_AGENT_ENROLLMENT__TOKEN", token),
                Map.entry("COFFER_AGENT_ENROLLMENT__ADDRESS", "localhost:" + bed.apiPort()),
                Map.entry("COFFER_AGENT_STATE_DIR", dir.resolve("state").toString()),
                Map.entry(
                    "COFFER_AGENT_PLUGINS_DIR",
                    root.resolve("usr/lib/coffer-agent/plugins").toString()),
                Map.entry("COFFER_AGENT_DATASTORE__ENGINE", "redis"),
                Map.entry("COFFER_AGENT_DATASTORE__DATA_DIR", dir.resolve("data").toString()),
                Map.entry("COFFER_AGENT_DATASTORE__PORT", Integer.toString(redisPort)),
                Map.entry("COFFER_AGENT_BACKUP__DIR", dir.resolve("backups").toString()),
                Map.entry("COFFER_CDS_ARCHIVE", archive.toString())));
    agent = pb.start();
    try {
      bed.awaitHealthy("deb-a", Duration.ofSeconds(90));
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; the agent's log:\n" + Files.readString(log), e);
    }
    assertThat(
            bed.databases()
                .listDatabases(ListDatabasesRequest.newBuilder().setInstanceId("deb-a").build())
                .getDatabasesList())
        .isNotEmpty();
    assertThat(
            bed.instances()
                .getInstance(GetInstanceRequest.newBuilder().setInstanceId("deb-a").build())
                .getAgentVersion())
        .isNotEmpty();
    assertThat(dir.resolve("state/tls/agent.key")).exists();
    assertThat(redisAnswers(redisPort)).isTrue();

    // SIGTERM, as systemctl stop sends: the agent stops Redis, then the JVM ends with 143, which
    // the unit counts as a success
    agent.destroy();
    assertThat(agent.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(agent.exitValue()).as(Files.readString(log)).isEqualTo(143);
    assertThat(Files.readString(log)).contains("stopping redis");
    assertThat(redisAnswers(redisPort)).as("Redis stopped with its agent").isFalse();
    assertThat(Files.readString(log)).doesNotContain(token);
  }

  private static boolean redisAnswers(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private Path extract() throws IOException, Exception {
    Path root = dir.resolve("root");
    run("dpkg-deb", "-x", DEB.toString(), root.toString());
    return root;
  }
}
