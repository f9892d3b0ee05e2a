package io.coffer.e2e.guest;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.plugin.kit.testing.Prerequisites;
import io.coffer.proto.v1.CreateDatabaseRequest;
import io.coffer.proto.v1.CreateEnrollmentTokenRequest;
import io.coffer.proto.v1.CreateUserRequest;
import io.coffer.proto.v1.Database;
import io.coffer.proto.v1.EnrollmentTokenServiceGrpc;
import io.coffer.proto.v1.ListDatabasesRequest;
import io.coffer.tck.DatastoreProvider;
import io.coffer.tck.Ports;
import io.coffer.tck.Testbed;
import io.coffer.tck.mysql.MysqlProvider;
import io.coffer.tck.postgresql.PostgresqlProvider;
import io.coffer.tck.redis.RedisProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * A guest container from the image {@code bin/coffer-image} builds (built here when missing or
 * stale: its tag is a hash of its inputs), on Podman's Docker API through Testcontainers: the
 * coffer-agent package was installed into a clean Debian root to make it, the agent is the
 * container's main process, takes its identity and one-time enrollment token from the environment,
 * enrolls with the control on this host, starts Redis, and serves a user who then writes and reads
 * data as a client does.
 *
 * <p>Runs where a Docker-API socket is set up ({@code bin/coffer-podman}; {@code bin/test} does it
 * as root), skips elsewhere, and fails under {@code COFFER_REQUIRE_SERVERS=1}.
 */
class GuestImageTest {
  private static final String PASSWORD = "Guest-pass-1";

  @TempDir Path tmp;
  private Testbed bed;
  private GenericContainer<?> guest;

  @AfterEach
  void stop() {
    if (guest != null) {
      guest.stop();
    }
    if (bed != null) {
      bed.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"mysql", "postgresql", "redis"})
  void aGuestEnrollsWithATokenFromItsEnvironmentAndServesAClient(String engine) throws Exception {
    DatastoreProvider provider =
        switch (engine) {
          case "mysql" -> MysqlProvider.requireMariadb();
          case "postgresql" -> PostgresqlProvider.requirePostgresql();
          default -> RedisProvider.requireRedis();
        };
    Prerequisites.require(
        dockerApi(),
        "no Docker-API engine (as root: apt-get install podman runc debootstrap, then eval"
            + " \"$(bin/coffer-podman)\")");
    buildImage(engine);

    String instance = "guest-" + engine;
    bed = Testbed.start(tmp.resolve("bed"));
    String token =
        EnrollmentTokenServiceGrpc.newBlockingStub(
                bed.channel(bed.home().clientCert("admin"), bed.home().clientKey("admin")))
            .createEnrollmentToken(
                CreateEnrollmentTokenRequest.newBuilder().setInstanceId(instance).build())
            .getToken();
    int port = Ports.free();
    StringBuilder log = new StringBuilder();
    guest =
        new GenericContainer<>(DockerImageName.parse("localhost/coffer-" + engine + ":latest"))
            .withImagePullPolicy(name -> false) // built here; no registry is reachable
            // the guest reaches the control on this host's loopback; its server's port is this
            // host's
            .withNetworkMode("host")
            .withFileSystemBind(
                bed.home().caCert().toString(), "/etc/coffer/ca.pem", BindMode.READ_ONLY)
            .withEnv(
                Map.of(
                    "COFFER_AGENT_INSTANCE_ID",
                    instance,
                    "COFFER_AGENT_CONTROL__ADDRESS",
                    "localhost:" + bed.agentPort(),
                    "COFFER_AGENT_ENROLLMENT__TOKEN",
                    token,
                    "COFFER_AGENT_ENROLLMENT__ADDRESS",
                    "localhost:" + bed.apiPort(),
                    "COFFER_AGENT_DATASTORE__BIND_ADDRESS",
                    "127.0.0.1",
                    "COFFER_AGENT_DATASTORE__PORT",
                    Integer.toString(port)))
            .withLogConsumer((OutputFrame f) -> log.append(f.getUtf8String()))
            .waitingFor(
                Wait.forLogMessage(".*connected to the control as instance " + instance + ".*", 1)
                    .withStartupTimeout(Duration.ofSeconds(180)));
    guest.start();
    try {
      bed.awaitHealthy(instance, Duration.ofSeconds(120));
    } catch (AssertionError e) {
      String server =
          guest
              .execInContainer(
                  "sh",
                  "-c",
                  "tail -n 40 /var/lib/coffer-agent/run/*.log /var/lib/coffer-agent/run/*.err 2>&1 | cut -c1-300")
              .getStdout();
      throw new AssertionError(
          e.getMessage() + "; the guest's log:\n" + log + "\nits server's log:\n" + server, e);
    }
    assertThat(log).contains("enrolled as instance " + instance).doesNotContain(token);

    String db;
    CreateUserRequest.Builder user =
        CreateUserRequest.newBuilder().setInstanceId(instance).setName("app").setPassword(PASSWORD);
    if (provider.namedDatabases()) {
      db = "shop";
      bed.databases()
          .createDatabase(
              CreateDatabaseRequest.newBuilder()
                  .setInstanceId(instance)
                  .setDatabase(Database.newBuilder().setName(db))
                  .build());
      user.addDatabases(db);
    } else {
      db =
          bed.databases()
              .listDatabases(ListDatabasesRequest.newBuilder().setInstanceId(instance).build())
              .getDatabases(0)
              .getName();
    }
    bed.users().createUser(user.build());
    assertThat(provider.dataPlane(port).writeAndRead("app", PASSWORD, db, "from a guest"))
        .isEqualTo("from a guest");
  }

  private static boolean dockerApi() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** bin/coffer-image build --engine ENGINE: a no-op when the image of these inputs exists. */
  private static void buildImage(String engine) throws Exception {
    Path repo = Path.of(System.getProperty("coffer.repo", "../.."));
    Path script = repo.resolve("bin/coffer-image");
    Prerequisites.require(
        Files.isExecutable(script) && "root".equals(System.getProperty("user.name")),
        "building guest images needs root and " + script);
    Process p =
        new ProcessBuilder(script.toString(), "build", "--engine", engine)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(15, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }
}
