package io.coffer.e2e.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.agent.config.AgentConfig;
import io.coffer.proto.v1.CreateDatabaseRequest;
import io.coffer.proto.v1.CreateReplicaRequest;
import io.coffer.proto.v1.CreateUserRequest;
import io.coffer.proto.v1.Database;
import io.coffer.proto.v1.Workflow;
import io.coffer.proto.v1.WorkflowState;
import io.coffer.tck.DatastoreProvider;
import io.coffer.tck.Ports;
import io.coffer.tck.RootLogin;
import io.coffer.tck.Testbed;
import io.coffer.tck.process.AgentProcess;
import io.coffer.tck.process.ChaosProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A source ({@code led-a}) and its replica ({@code led-b}) of one engine, through a real control:
 * database {@code ledger}, user {@code app}, table {@code entries}, then the replica created by the
 * create-replica workflow. The source's agent may run in its own JVM, so that a test can kill it
 * with SIGKILL.
 */
final class ReplicatedLedger implements AutoCloseable {
  static final String APP_PASSWORD = "app-Secret-42-pass";
  static final String SOURCE = "led-a";
  static final String REPLICA = "led-b";

  final Testbed bed;
  final Ledger ledger;
  final int sourcePort;
  final int replicaPort;
  final RootLogin root;

  /** The source's agent when it runs in its own JVM, else null. */
  final AgentProcess sourceProcess;

  /** The source's agent configuration, to start it again. */
  final AgentConfig sourceConfig;

  private ReplicatedLedger(
      Testbed bed,
      Ledger ledger,
      int sourcePort,
      int replicaPort,
      RootLogin root,
      AgentProcess sourceProcess,
      AgentConfig sourceConfig) {
    this.sourceConfig = sourceConfig;
    this.bed = bed;
    this.ledger = ledger;
    this.sourcePort = sourcePort;
    this.replicaPort = replicaPort;
    this.root = root;
    this.sourceProcess = sourceProcess;
  }

  /**
   * How the pair is set up.
   *
   * @param semiSync the replica is attached (semi-)synchronously
   * @param sourceInItsOwnJvm the source's agent runs in its own JVM (to kill it)
   * @param controlInItsOwnJvm the control runs in its own JVM (to kill it)
   * @param sourceToControl when not null, the source's agent reaches the control through this proxy
   *     (made for the control's agent port)
   * @param replicasToSource when not null, the source's server is advertised at this proxy (made
   *     for its port), so its replicas reach it through the proxy; clients still reach it directly
   */
  record Options(
      boolean semiSync,
      boolean sourceInItsOwnJvm,
      boolean controlInItsOwnJvm,
      IntFunction<ChaosProxy> sourceToControl,
      IntFunction<ChaosProxy> replicasToSource) {
    Options(
        boolean semiSync,
        boolean sourceInItsOwnJvm,
        boolean controlInItsOwnJvm,
        IntFunction<ChaosProxy> sourceToControl) {
      this(semiSync, sourceInItsOwnJvm, controlInItsOwnJvm, sourceToControl, null);
    }
  }

  static ReplicatedLedger start(Ledger ledger, boolean semiSync, boolean sourceInItsOwnJvm)
      throws Exception {
    return start(ledger, new Options(semiSync, sourceInItsOwnJvm, false, null));
  }

  static ReplicatedLedger start(Ledger ledger, Options options) throws Exception {
    boolean semiSync = options.semiSync();
    boolean sourceInItsOwnJvm = options.sourceInItsOwnJvm();
    IntFunction<ChaosProxy> sourceToControl = options.sourceToControl();
    DatastoreProvider engine = ledger.provider();
    Path work =
        Files.createTempDirectory(
            "coffer-ledger-" + engine.engine(),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    Testbed bed =
        options.controlInItsOwnJvm() ? Testbed.startWithControlProcess(work) : Testbed.start(work);
    try {
      int portA = Ports.free();
      int portB = Ports.free();
      AgentConfig.Datastore sourceStore = engine.datastore(work.resolve(SOURCE), portA);
      if (options.replicasToSource() != null) {
        sourceStore =
            sourceStore.advertisedAt("127.0.0.1", options.replicasToSource().apply(portA).port());
      }
      AgentConfig sourceConfig =
          sourceToControl == null
              ? bed.agentConfig(SOURCE, engine.pluginsDir(), sourceStore)
              : bed.agentConfig(
                  SOURCE,
                  engine.pluginsDir(),
                  sourceStore,
                  sourceToControl.apply(bed.agentPort()).port());
      AgentProcess process = null;
      if (sourceInItsOwnJvm) {
        process = bed.startAgentProcess(sourceConfig);
      } else {
        bed.startAgent(sourceConfig);
      }
      bed.startAgent(
          bed.agentConfig(
              REPLICA, engine.pluginsDir(), engine.datastore(work.resolve(REPLICA), portB)));
      bed.awaitHealthy(SOURCE, Duration.ofSeconds(90));
      bed.awaitHealthy(REPLICA, Duration.ofSeconds(90));
      RootLogin root = bed.enableRoot(SOURCE);
      // the application writes as an ordinary account, which every fence refuses
      bed.databases()
          .createDatabase(
              CreateDatabaseRequest.newBuilder()
                  .setInstanceId(SOURCE)
                  .setDatabase(Database.newBuilder().setName("ledger"))
                  .build());
      bed.users()
          .createUser(
              CreateUserRequest.newBuilder()
                  .setInstanceId(SOURCE)
                  .setName("app")
                  .setPassword(APP_PASSWORD)
                  .addDatabases("ledger")
                  .build());
      try (Connection c = ledger.connect(portA, root.name(), root.password());
          Statement s = c.createStatement()) {
        ledger.createTable(s);
      }
      Workflow created =
          bed.awaitWorkflow(
              bed.replication()
                  .createReplica(
                      CreateReplicaRequest.newBuilder()
                          .setSourceInstanceId(SOURCE)
                          .setInstanceId(REPLICA)
                          .setSemiSync(semiSync)
                          .build())
                  .getWorkflowId(),
              Duration.ofMinutes(5));
      assertThat(created.getState())
          .as(created.getError())
          .isEqualTo(WorkflowState.WORKFLOW_STATE_SUCCEEDED);
      return new ReplicatedLedger(bed, ledger, portA, portB, root, process, sourceConfig);
    } catch (Exception | Error e) {
      bed.close();
      throw e;
    }
  }

  Connection app(int port) throws SQLException {
    return ledger.connect(port, "app", APP_PASSWORD);
  }

  /** Every id in {@code entries} on the server at {@code port}, read as root. */
  List<Long> ids(int port) throws SQLException {
    List<Long> ids = new ArrayList<>();
    try (Connection c = ledger.connect(port, root.name(), root.password());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id FROM entries")) {
      while (rs.next()) {
        ids.add(rs.getLong(1));
      }
    }
    return ids;
  }

  @Override
  public void close() {
    bed.close();
  }
}
