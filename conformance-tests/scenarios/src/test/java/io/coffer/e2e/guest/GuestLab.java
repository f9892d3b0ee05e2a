package io.coffer.e2e.guest;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Network.Ipam;
import com.github.dockerjava.api.model.Ports;
import io.coffer.agent.storage.S3ProxyFixture;
import io.coffer.control.config.ControlConfig;
import io.coffer.plugin.kit.testing.Prerequisites;
import io.coffer.proto.v1.CreateEnrollmentTokenRequest;
import io.coffer.proto.v1.GetInstanceRequest;
import io.coffer.proto.v1.InstanceStatus;
import io.coffer.tck.DatastoreProvider;
import io.coffer.tck.Testbed;
import io.coffer.tck.mysql.MysqlProvider;
import io.coffer.tck.postgresql.PostgresqlProvider;
import io.coffer.tck.redis.RedisProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * Guest containers from the images {@code bin/coffer-image} builds, each on its own address of a
 * container network this lab creates, and a control on this host that they reach at the network's
 * gateway (the control's certificate names that address). Each guest runs its engine on the
 * engine's standard port of its own address, advertised to the others by its network alias (its
 * instance id); the test reaches it through the port Podman publishes on 127.0.0.1. With S3, every
 * guest keeps backups and log archives in one S3-compatible server (S3Proxy) on this host, so one
 * guest's backup restores into another.
 *
 * <p>Needs a Docker-API engine ({@code bin/coffer-podman}) and root (to build the images): skips
 * elsewhere, and fails under {@code COFFER_REQUIRE_SERVERS=1}.
 */
final class GuestLab implements AutoCloseable {
  private final Network network;
  private final String gateway;
  private final Testbed bed;
  private final S3ProxyFixture s3;
  private final List<Guest> guests = new ArrayList<>();

  private GuestLab(Network network, String gateway, Testbed bed, S3ProxyFixture s3) {
    this.network = network;
    this.gateway = gateway;
    this.bed = bed;
    this.s3 = s3;
  }

  /**
   * Builds the engine's image when missing or stale, makes a network, and starts a control (and,
   * with {@code s3}, an S3-compatible server) reachable from it.
   */
  static GuestLab start(Path root, String engine, boolean s3) throws Exception {
    return start(root, engine, s3, UnaryOperator.identity());
  }

  /** The same, with the control's configuration changed by {@code configure} first. */
  static GuestLab start(
      Path root, String engine, boolean s3, UnaryOperator<ControlConfig> configure)
      throws Exception {
    provider(engine);
    Prerequisites.require(
        dockerApi(),
        "no Docker-API engine (as root: bin/prerequisites tests, then eval"
            + " \"$(bin/coffer-podman)\")");
    buildImage(engine);
    Network network = Network.newNetwork();
    try {
      String gateway = gatewayOf(network);
      Testbed bed = Testbed.startReachableAt(root.resolve("bed"), gateway, configure);
      S3ProxyFixture storage =
          s3 ? new S3ProxyFixture(Files.createDirectories(root.resolve("s3")), "0.0.0.0") : null;
      return new GuestLab(network, gateway, bed, storage);
    } catch (Exception | Error e) {
      network.close();
      throw e;
    }
  }

  Testbed bed() {
    return bed;
  }

  /** The engine's test hooks (its clients); skips the test when they cannot run here. */
  static DatastoreProvider provider(String engine) {
    return switch (engine) {
      case "mysql" -> MysqlProvider.requireMariadb();
      case "postgresql" -> PostgresqlProvider.requirePostgresql();
      case "redis" -> RedisProvider.requireRedis();
      default -> throw new IllegalArgumentException(engine);
    };
  }

  /** The engine's standard client port, which each guest uses on its own address. */
  static int standardPort(String engine) {
    return switch (engine) {
      case "mysql" -> 3306;
      case "postgresql" -> 5432;
      case "redis" -> 6379;
      default -> throw new IllegalArgumentException(engine);
    };
  }

  /**
   * Starts a guest of {@code engine} as instance {@code instance}: the agent gets a one-time
   * enrollment token in its environment, enrolls, starts its server, and connects; returns once the
   * control sees it healthy.
   */
  Guest startGuest(String engine, String instance) throws Exception {
    String token =
        bed.enrollmentTokens()
            .createEnrollmentToken(
                CreateEnrollmentTokenRequest.newBuilder().setInstanceId(instance).build())
            .getToken();
    int port = standardPort(engine);
    Map<String, String> env = new HashMap<>();
    env.put("COFFER_AGENT_INSTANCE_ID", instance);
    env.put("COFFER_AGENT_CONTROL__ADDRESS", gateway + ":" + bed.agentPort());
    env.put("COFFER_AGENT_ENROLLMENT__TOKEN", token);
    env.put("COFFER_AGENT_ENROLLMENT__ADDRESS", gateway + ":" + bed.apiPort());
    env.put("COFFER_AGENT_DATASTORE__ENGINE", engine);
    env.put("COFFER_AGENT_DATASTORE__BIND_ADDRESS", "0.0.0.0");
    env.put("COFFER_AGENT_DATASTORE__ADVERTISE_ADDRESS", instance);
    env.put("COFFER_AGENT_DATASTORE__PORT", Integer.toString(port));
    if (s3 != null) {
      env.put("COFFER_AGENT_BACKUP__STORAGE", "s3");
      env.put("COFFER_AGENT_BACKUP__S3__ENDPOINT", s3.endpointAt(gateway).toString());
      env.put("COFFER_AGENT_BACKUP__S3__REGION", "us-east-1");
      env.put("COFFER_AGENT_BACKUP__S3__BUCKET", S3ProxyFixture.BUCKET);
      env.put("COFFER_AGENT_BACKUP__S3__PREFIX", "coffer/");
      env.put("COFFER_AGENT_BACKUP__S3__ACCESS_KEY", S3ProxyFixture.ACCESS_KEY);
      env.put("COFFER_AGENT_BACKUP__S3__SECRET_KEY", S3ProxyFixture.SECRET_KEY);
      env.put("COFFER_AGENT_BACKUP__S3__PATH_STYLE", "true");
    }
    StringBuilder log = new StringBuilder();
    GenericContainer<?> container =
        new GenericContainer<>(DockerImageName.parse("localhost/coffer-" + engine + ":latest"))
            .withImagePullPolicy(name -> false) // built here; no registry is reachable
            .withNetwork(network)
            .withNetworkAliases(instance)
            .withCreateContainerCmdModifier(c -> c.withHostName(instance))
            .withExposedPorts(port)
            .withFileSystemBind(
                bed.home().caCert().toString(), "/etc/coffer/ca.pem", BindMode.READ_ONLY)
            .withEnv(env)
            .withLogConsumer(f -> append(log, f.getUtf8String()))
            .waitingFor(
                Wait.forLogMessage(".*connected to the control as instance " + instance + ".*", 1)
                    .withStartupTimeout(Duration.ofSeconds(180)));
    Guest guest = new Guest(instance, engine, container, log, network);
    guests.add(guest);
    try {
      container.start();
      bed.awaitHealthy(instance, Duration.ofSeconds(120));
    } catch (RuntimeException | AssertionError e) {
      throw new AssertionError(
          "guest " + instance + " did not become healthy: " + e + "\n" + guest.diagnostics(), e);
    }
    assertThat(guest.log()).contains("enrolled as instance " + instance).doesNotContain(token);
    InstanceStatus status =
        bed.instances()
            .getInstance(GetInstanceRequest.newBuilder().setInstanceId(instance).build());
    assertThat(status.getDatastore().getHost()).isEqualTo(instance);
    return guest;
  }

  private static void append(StringBuilder log, String s) {
    synchronized (log) {
      log.append(s);
    }
  }

  @Override
  public void close() throws Exception {
    for (Guest g : guests) {
      g.container().stop();
    }
    try {
      if (s3 != null) {
        s3.close();
      }
    } finally {
      bed.close();
      network.close();
    }
  }

  private static boolean dockerApi() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The network's gateway: this host's address on the network's bridge. */
  private static String gatewayOf(Network network) {
    Ipam ipam =
        DockerClientFactory.instance()
            .client()
            .inspectNetworkCmd()
            .withNetworkId(network.getId())
            .exec()
            .getIpam();
    String gateway = ipam.getConfig().get(0).getGateway();
    assertThat(gateway).as("the gateway of network " + network.getId()).isNotBlank();
    return gateway;
  }

  /** bin/coffer-image build --engine ENGINE: a no-op when the image of these inputs exists. */
  static void buildImage(String engine) throws Exception {
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

  /** One guest container: its instance id, its client port on this host, its logs. */
  record Guest(
      String instance,
      String engine,
      GenericContainer<?> container,
      StringBuilder output,
      Network network) {

    /**
     * The port on 127.0.0.1 that Podman forwards to the guest's server now (asked each time: a
     * restart or a reconnect to the network may change it).
     */
    int clientPort() {
      Ports.Binding[] bindings =
          DockerClientFactory.instance()
              .client()
              .inspectContainerCmd(container.getContainerId())
              .exec()
              .getNetworkSettings()
              .getPorts()
              .getBindings()
              .get(ExposedPort.tcp(standardPort(engine)));
      assertThat(bindings).as("the ports forwarded to " + instance).isNotEmpty();
      return Integer.parseInt(bindings[0].getHostPortSpec());
    }

    /** Cuts the guest off the network: from the control, the storage and the other guests. */
    void disconnect() {
      DockerClientFactory.instance()
          .client()
          .disconnectFromNetworkCmd()
          .withContainerId(container.getContainerId())
          .withNetworkId(network.getId())
          .withForce(true)
          .exec();
    }

    /** Heals {@link #disconnect()}: back on the network, under its alias again. */
    void reconnect() {
      DockerClientFactory.instance()
          .client()
          .connectToNetworkCmd()
          .withContainerId(container.getContainerId())
          .withNetworkId(network.getId())
          .withContainerNetwork(new ContainerNetwork().withAliases(instance))
          .exec();
    }

    /** The guest's address on the lab's network. */
    String address() {
      ContainerNetwork n =
          container.getContainerInfo().getNetworkSettings().getNetworks().values().stream()
              .filter(c -> network.getId().equals(c.getNetworkID()))
              .findFirst()
              .orElseThrow();
      return n.getIpAddress();
    }

    String log() {
      synchronized (output) {
        return output.toString();
      }
    }

    /** The agent's output and the tail of its server's logs, for a failure message. */
    String diagnostics() {
      String server = "";
      try {
        if (container.isRunning()) {
          server =
              container
                  .execInContainer(
                      "sh",
                      "-c",
                      "tail -n 40 /var/lib/coffer-agent/run/*.log /var/lib/coffer-agent/run/*.err"
                          + " 2>&1 | cut -c1-300")
                  .getStdout();
        }
      } catch (Exception e) {
        server = "(cannot read: " + e + ")";
      }
      return "the guest's log:\n" + log() + "\nits server's log:\n" + server;
    }
  }
}
