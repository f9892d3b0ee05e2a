package io.coffer.tck;

import io.coffer.agent.Agent;
import io.coffer.agent.config.AgentConfig;
import io.coffer.control.ca.CertificateAuthority;
import io.coffer.control.ca.CofferHome;
import io.coffer.control.config.ControlConfig;
import io.coffer.control.config.HostPort;
import io.coffer.control.server.ControlServer;
import io.coffer.proto.v1.Backup;
import io.coffer.proto.v1.BackupServiceGrpc;
import io.coffer.proto.v1.BackupState;
import io.coffer.proto.v1.CertificateServiceGrpc;
import io.coffer.proto.v1.ClusterServiceGrpc;
import io.coffer.proto.v1.CommandServiceGrpc;
import io.coffer.proto.v1.ConfigurationServiceGrpc;
import io.coffer.proto.v1.DatabaseServiceGrpc;
import io.coffer.proto.v1.DiagnosticsServiceGrpc;
import io.coffer.proto.v1.EnableRootRequest;
import io.coffer.proto.v1.EnrollmentTokenServiceGrpc;
import io.coffer.proto.v1.Event;
import io.coffer.proto.v1.EventServiceGrpc;
import io.coffer.proto.v1.GetBackupRequest;
import io.coffer.proto.v1.GetInstanceRequest;
import io.coffer.proto.v1.GetWorkflowRequest;
import io.coffer.proto.v1.Health;
import io.coffer.proto.v1.InstanceServiceGrpc;
import io.coffer.proto.v1.InstanceState;
import io.coffer.proto.v1.InstanceStatus;
import io.coffer.proto.v1.ReplicationServiceGrpc;
import io.coffer.proto.v1.Role;
import io.coffer.proto.v1.UserServiceGrpc;
import io.coffer.proto.v1.WatchEventsRequest;
import io.coffer.proto.v1.WebhookServiceGrpc;
import io.coffer.proto.v1.Workflow;
import io.coffer.proto.v1.WorkflowState;
import io.coffer.tck.process.AgentProcess;
import io.coffer.tck.process.ChaosProxy;
import io.coffer.tck.process.ControlProcess;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.commons.io.file.PathUtils;

/**
 * A real control and real agents on loopback, with their own PKI in a temporary directory: the CA,
 * the control's server certificate, an admin client certificate and one certificate per agent.
 */
public final class Testbed implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final Path root;
  private final CofferHome home;
  private final CertificateAuthority ca;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private ControlConfig controlConfig;
  private ControlServer control;
  private ControlProcess controlProcess;
  private int agentPort;
  private int apiPort;
  private ManagedChannel api;
  private AgentConfig.Backup backup;
  private volatile boolean cipherWarmUp;
  private boolean keepRoot;

  private Testbed(Path root) {
    this(root, List.of());
  }

  /**
   * @param controlAddresses IP addresses of this host, beside 127.0.0.1, that the control's
   *     certificate names, for agents that reach it there
   */
  private Testbed(Path root, List<String> controlAddresses) {
    this.root = root;
    this.home = new CofferHome(root.resolve("home"));
    this.ca = CertificateAuthority.createHierarchy(home);
    takeRootKeyOffline();
    ca.issueServer(
        "coffer-control",
        List.of("localhost"),
        Stream.concat(Stream.of("127.0.0.1"), controlAddresses.stream()).toList(),
        CertificateAuthority.DEFAULT_LEAF_VALIDITY,
        home.controlCert(),
        home.controlKey());
    ca.issueClient(
        "admin",
        CertificateAuthority.DEFAULT_LEAF_VALIDITY,
        home.clientCert("admin"),
        home.clientKey("admin"));
  }

  /**
   * Moves the root CA's key out of the home, as an operator would after {@code coffer certs init}:
   * every test then shows that the control and the agents need only the issuing CA.
   */
  private void takeRootKeyOffline() {
    try {
      Path offline = root.resolve("offline");
      Files.createDirectories(offline);
      Files.move(home.caKey(), offline.resolve("root.key"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** PKI under {@code root}, and a control on free ports; {@link #close()} deletes {@code root}. */
  public static Testbed start(Path root) throws IOException {
    return start(root, UnaryOperator.identity());
  }

  /** The same, with the control's configuration changed by {@code configure} first. */
  public static Testbed start(Path root, UnaryOperator<ControlConfig> configure)
      throws IOException {
    Testbed bed = new Testbed(root);
    bed.controlConfig = configure.apply(ControlConfig.defaults(bed.home).withPorts(0, 0));
    bed.startControl();
    return bed;
  }

  /**
   * PKI under {@code root}, and a control on free ports of every address of this host, certified
   * also for {@code address} (an address of this host, such as a container network's gateway), so
   * that agents in guests on that network reach both its listeners there.
   */
  public static Testbed startReachableAt(Path root, String address) throws IOException {
    return startReachableAt(root, address, UnaryOperator.identity());
  }

  /** The same, with the control's configuration changed by {@code configure} first. */
  public static Testbed startReachableAt(
      Path root, String address, UnaryOperator<ControlConfig> configure) throws IOException {
    Testbed bed = new Testbed(root, List.of(address));
    HostPort any = new HostPort("0.0.0.0", 0);
    bed.controlConfig = configure.apply(ControlConfig.defaults(bed.home).withListeners(any, any));
    bed.startControl();
    return bed;
  }

  /**
   * PKI under {@code root}, and a control in its own JVM on free ports (so tests can kill -9 it).
   */
  public static Testbed startWithControlProcess(Path root)
      throws IOException, InterruptedException {
    Testbed bed = new Testbed(root);
    bed.agentPort = Ports.free();
    bed.apiPort = Ports.free();
    bed.startControlProcess();
    return bed;
  }

  /**
   * {@link #close()} leaves the root in place (for callers that decide themselves, like the
   * benchmarks).
   */
  public Testbed keepRoot() {
    keepRoot = true;
    return this;
  }

  /** Starts the control again on the same ports and state (after {@link #stopControl()}). */
  public void startControl() throws IOException {
    control = ControlServer.start(controlConfig);
    controlConfig = controlConfig.withPorts(control.agentPort(), control.apiPort());
    agentPort = control.agentPort();
    apiPort = control.apiPort();
    api = channel(home.clientCert("admin"), home.clientKey("admin"));
  }

  public void stopControl() {
    api.shutdownNow();
    control.close();
  }

  /** Starts (or restarts, on the same ports and state) the control process. */
  public void startControlProcess() throws IOException, InterruptedException {
    controlProcess =
        ControlProcess.start(home, agentPort, apiPort, root.resolve("logs/control.log"));
    if (api != null) {
      api.shutdownNow();
    }
    api = channel(home.clientCert("admin"), home.clientKey("admin"));
  }

  /** SIGKILL of the control process. */
  public void killControlProcess() throws InterruptedException {
    controlProcess.kill9();
  }

  public ControlProcess controlProcess() {
    return controlProcess;
  }

  public int agentPort() {
    return agentPort;
  }

  public int apiPort() {
    return apiPort;
  }

  public Path root() {
    return root;
  }

  public CofferHome home() {
    return home;
  }

  public CertificateAuthority ca() {
    return ca;
  }

  public ControlServer control() {
    return control;
  }

  /** A northbound channel authenticated with the given client certificate. */
  public ManagedChannel channel(Path cert, Path key) {
    try {
      return NettyChannelBuilder.forAddress("localhost", apiPort)
          .sslContext(
              GrpcSslContexts.forClient()
                  .trustManager(home.caCert().toFile())
                  .keyManager(cert.toFile(), key.toFile())
                  .protocols("TLSv1.3")
                  .build())
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public InstanceServiceGrpc.InstanceServiceBlockingStub instances() {
    return InstanceServiceGrpc.newBlockingStub(api);
  }

  public DatabaseServiceGrpc.DatabaseServiceBlockingStub databases() {
    return DatabaseServiceGrpc.newBlockingStub(api).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  public UserServiceGrpc.UserServiceBlockingStub users() {
    return UserServiceGrpc.newBlockingStub(api).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  public ClusterServiceGrpc.ClusterServiceBlockingStub clusters() {
    return ClusterServiceGrpc.newBlockingStub(api).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  public ConfigurationServiceGrpc.ConfigurationServiceBlockingStub configuration() {
    return ConfigurationServiceGrpc.newBlockingStub(api).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  /** Event watches: no deadline (the caller cancels). */
  public EventServiceGrpc.EventServiceBlockingStub events() {
    return EventServiceGrpc.newBlockingStub(api);
  }

  public WebhookServiceGrpc.WebhookServiceBlockingStub webhooks() {
    return WebhookServiceGrpc.newBlockingStub(api).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  public EnrollmentTokenServiceGrpc.EnrollmentTokenServiceBlockingStub enrollmentTokens() {
    return EnrollmentTokenServiceGrpc.newBlockingStub(api).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  public CertificateServiceGrpc.CertificateServiceBlockingStub certificates() {
    return CertificateServiceGrpc.newBlockingStub(api).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  public CommandServiceGrpc.CommandServiceBlockingStub commands() {
    return CommandServiceGrpc.newBlockingStub(api);
  }

  /** Backups and restores; restores block until done, so the deadline is long. */
  public BackupServiceGrpc.BackupServiceBlockingStub backups() {
    return BackupServiceGrpc.newBlockingStub(api).withDeadlineAfter(10, TimeUnit.MINUTES);
  }

  public ReplicationServiceGrpc.ReplicationServiceBlockingStub replication() {
    return ReplicationServiceGrpc.newBlockingStub(api).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  /**
   * Enables the superuser of {@code instanceId} through the API with a fresh random password (as
   * the CLI does), and returns the login.
   */
  public RootLogin enableRoot(String instanceId) {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return enableRoot(instanceId, "R" + HexFormat.of().formatHex(bytes));
  }

  /**
   * Enables the superuser of {@code instanceId} with the caller's {@code password}, and returns the
   * login.
   */
  public RootLogin enableRoot(String instanceId, String password) {
    String name =
        users()
            .enableRoot(
                EnableRootRequest.newBuilder()
                    .setInstanceId(instanceId)
                    .setPassword(password)
                    .build())
            .getCredentials()
            .getName();
    return new RootLogin(name, password);
  }

  /**
   * The first journaled event of {@code kind} (from the oldest kept), waiting up to {@code timeout}
   * for one.
   */
  public Event awaitEvent(String kind, Duration timeout) {
    List<Event> found = events(0, 1, List.of(kind), timeout);
    if (found.isEmpty()) {
      throw new AssertionError("no " + kind + " event within " + timeout);
    }
    return found.get(0);
  }

  /**
   * Up to {@code n} events after {@code since} of those kinds (all when empty), in order: what
   * arrived within {@code timeout} (a watch never ends by itself).
   */
  public List<Event> events(long since, int n, List<String> kinds, Duration timeout) {
    List<Event> out = new ArrayList<>();
    Context.CancellableContext watch = Context.current().withCancellation();
    try {
      watch.run(
          () -> {
            Iterator<Event> it =
                events()
                    .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .watchEvents(
                        WatchEventsRequest.newBuilder()
                            .setSinceSequence(since)
                            .addAllKinds(kinds)
                            .build());
            try {
              while (out.size() < n && it.hasNext()) {
                out.add(it.next());
              }
            } catch (StatusRuntimeException e) {
              if (e.getStatus().getCode() != Status.Code.DEADLINE_EXCEEDED
                  && e.getStatus().getCode() != Status.Code.CANCELLED) {
                throw e;
              }
            }
          });
    } finally {
      watch.cancel(null);
    }
    return out;
  }

  /**
   * Waits until a workflow has ended and returns it (through a control restart too: UNAVAILABLE is
   * waited out).
   */
  public Workflow awaitWorkflow(String workflowId, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    Workflow w = null;
    while (System.nanoTime() < end) {
      try {
        w =
            replication()
                .getWorkflow(GetWorkflowRequest.newBuilder().setWorkflowId(workflowId).build());
        if (w.getState() != WorkflowState.WORKFLOW_STATE_RUNNING) {
          return w;
        }
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
          throw e;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "workflow " + workflowId + " did not end within " + timeout + "; last: " + w);
  }

  /** Waits until an instance's heartbeats report {@code role}. */
  public InstanceStatus awaitRole(String instanceId, Role role, Duration timeout)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    InstanceStatus last = null;
    while (System.nanoTime() < end) {
      last =
          instances()
              .getInstance(GetInstanceRequest.newBuilder().setInstanceId(instanceId).build());
      if (last.getRole() == role) {
        return last;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "instance " + instanceId + " not " + role + " within " + timeout + "; last: " + last);
  }

  /** Waits until a backup has ended (COMPLETED or FAILED) and returns it. */
  public Backup awaitBackup(String backupId, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    Backup b = null;
    while (System.nanoTime() < end) {
      b = backups().getBackup(GetBackupRequest.newBuilder().setBackupId(backupId).build());
      if (b.getState() == BackupState.BACKUP_STATE_COMPLETED
          || b.getState() == BackupState.BACKUP_STATE_FAILED) {
        return b;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "backup " + backupId + " did not end within " + timeout + "; last: " + b);
  }

  /** Issues an agent certificate and writes an agent configuration for {@code instanceId}. */
  public AgentConfig agentConfig(
      String instanceId, Path pluginsDir, AgentConfig.Datastore datastore) {
    return agentConfig(instanceId, pluginsDir, datastore, agentPort);
  }

  /** The same, reaching the control through {@code controlPort} (e.g. a {@link ChaosProxy}). */
  public AgentConfig agentConfig(
      String instanceId, Path pluginsDir, AgentConfig.Datastore datastore, int controlPort) {
    ca.issueAgent(
        instanceId,
        CertificateAuthority.DEFAULT_LEAF_VALIDITY,
        home.agentCert(instanceId),
        home.agentKey(instanceId));
    return new AgentConfig(
        instanceId,
        new AgentConfig.Control(
            "localhost",
            controlPort,
            home.caCert(),
            home.agentCert(instanceId),
            home.agentKey(instanceId),
            Duration.ofSeconds(2)),
        root.resolve("agents").resolve(instanceId),
        pluginsDir,
        Duration.ofMillis(500),
        datastore,
        (backup != null ? backup : new AgentConfig.Backup("local", backupDir(), null))
            .withWarmUp(cipherWarmUp));
  }

  /**
   * Whether agents configured from now on warm their ciphers up after start, as agents do by
   * default ({@code backup.warmUp}); off in the testbed, which starts hundreds of agents that would
   * each spend about two seconds of CPU on it. Benchmarks of production behaviour turn it on.
   */
  public Testbed cipherWarmUp(boolean on) {
    this.cipherWarmUp = on;
    return this;
  }

  /** Agents configured from now on keep their backups in {@code storage} (e.g. S3) instead. */
  public void useBackupStorage(AgentConfig.Backup storage) {
    this.backup = storage;
  }

  /**
   * The backup storage every agent of this testbed shares (local storage), so any can restore any
   * backup.
   */
  public Path backupDir() {
    return root.resolve("backups");
  }

  /** Starts an agent in its own JVM from {@code config} (written as YAML first). */
  public AgentProcess startAgentProcess(AgentConfig config) throws IOException {
    return startAgentProcess(config, AgentProcess.JVM);
  }

  /**
   * The agent in its own JVM with these JVM options (e.g. {@link AgentProcess#JVM} plus a {@code
   * -D}).
   */
  public AgentProcess startAgentProcess(AgentConfig config, List<String> jvm) throws IOException {
    AgentProcess p =
        AgentProcess.start(
            writeAgentConfig(config), root.resolve("logs/" + config.instanceId() + ".log"), jvm);
    closeables.add(p);
    return p;
  }

  public DiagnosticsServiceGrpc.DiagnosticsServiceBlockingStub diagnostics() {
    return DiagnosticsServiceGrpc.newBlockingStub(api).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  /** The same settings as YAML, for starting the agent as a separate process. */
  public Path writeAgentConfig(AgentConfig c) throws IOException {
    Path file = root.resolve("agents").resolve(c.instanceId() + ".yaml");
    Files.createDirectories(file.getParent());
    AgentConfig.Datastore d = c.datastore();
    StringBuilder settings = new StringBuilder();
    for (Map.Entry<String, String> e : d.settings().entrySet()) {
      settings.append("    ").append(e.getKey()).append(": \"").append(e.getValue()).append("\"\n");
    }
    Files.writeString(
        file,
        """
        instanceId: %s
        stateDir: %s
        pluginsDir: %s
        heartbeatInterval: %dms
        control:
          address: %s:%d
          caFile: %s
          certFile: %s
          keyFile: %s
          maxBackoff: %ds
        datastore:
          engine: %s
          dataDir: %s
          runDir: %s
          bindAddress: %s
          advertiseAddress: %s
          advertisePort: %d
          port: %d
          osUser: "%s"
          settings:
        %snotices:
          storageNearlyFullPercent: %d
        %s%s%s"""
            .formatted(
                c.instanceId(),
                c.stateDir(),
                c.pluginsDir(),
                c.heartbeatInterval().toMillis(),
                c.control().host(),
                c.control().port(),
                c.control().caFile(),
                c.control().certFile(),
                c.control().keyFile(),
                c.control().maxBackoff().toSeconds(),
                d.engine(),
                d.dataDir(),
                d.runDir(),
                d.bindAddress(),
                d.advertiseAddress(),
                d.advertisePort(),
                d.port(),
                d.osUser(),
                settings.length() == 0 ? "    {}\n" : settings,
                c.notices().storageNearlyFullPercent(),
                c.notices().certificateWarning() == null
                    ? ""
                    : "  certificateWarning: %dh\n"
                        .formatted(c.notices().certificateWarning().toHours()),
                backupYaml(c.backup()),
                c.control().enrollment() == null
                    ? ""
                    : "enrollment:\n  token: \"%s\"\n  address: %s:%d\n"
                        .formatted(
                            c.control().enrollment().token(),
                            c.control().enrollment().host(),
                            c.control().enrollment().port())));
    return file;
  }

  private static String backupYaml(AgentConfig.Backup b) {
    if (b == null) {
      return "";
    }
    String warmUp = b.warmUp() ? "" : "  warmUp: false\n";
    if (b.s3() == null) {
      return "backup:\n  storage: local\n  dir: " + b.localDir() + "\n" + warmUp;
    }
    var s3 = b.s3();
    return """
        backup:
          storage: s3
          s3:
            endpoint: %s
            region: %s
            bucket: %s
            prefix: "%s"
            accessKey: %s
            secretKey: %s
            pathStyle: %s
            partSize: %d
        %s"""
        .formatted(
            s3.endpoint(),
            s3.region(),
            s3.bucket(),
            s3.prefix(),
            s3.accessKey(),
            s3.secretKey(),
            s3.pathStyle(),
            s3.partSize(),
            warmUp);
  }

  /** Starts an agent in this JVM (it loads its plugin with PF4J from the plugins directory). */
  public Agent startAgent(AgentConfig config) throws IOException {
    Agent agent = Agent.start(config);
    closeables.add(agent);
    return agent;
  }

  /** Waits until the instance is connected and its datastore healthy. */
  public InstanceStatus awaitHealthy(String instanceId, Duration timeout)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    InstanceStatus last = null;
    while (System.nanoTime() < end) {
      try {
        last =
            instances()
                .getInstance(GetInstanceRequest.newBuilder().setInstanceId(instanceId).build());
        if (last.getState() == InstanceState.INSTANCE_STATE_CONNECTED
            && last.getHealth() == Health.HEALTH_HEALTHY) {
          return last;
        }
      } catch (StatusRuntimeException e) {
        // not known yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "instance " + instanceId + " not healthy within " + timeout + "; last status: " + last);
  }

  @Override
  public void close() {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      try {
        closeables.get(i).close();
      } catch (Exception ignored) {
        // best effort
      }
    }
    if (api != null) {
      api.shutdownNow();
    }
    if (control != null) {
      control.close();
    }
    if (controlProcess != null) {
      try {
        controlProcess.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    deleteRoot();
  }

  /**
   * The testbed owns its root: data directories, backups and logs go with it, so a suite's disk use
   * stays that of its largest test instead of the sum of all of them. {@code COFFER_KEEP_WORK=1}
   * keeps it for a post-mortem.
   */
  private void deleteRoot() {
    if (keepRoot) {
      return;
    }
    if ("1".equals(System.getenv("COFFER_KEEP_WORK"))) {
      System.err.println("testbed: work directory kept: " + root);
      return;
    }
    try {
      PathUtils.deleteDirectory(root);
    } catch (IOException e) {
      System.err.println("testbed: could not delete " + root + ": " + e);
    }
  }
}
