package io.coffer.e2e.faults;

import io.coffer.agent.config.AgentConfig;
import io.coffer.proto.v1.CommandOptions;
import io.coffer.proto.v1.CommandState;
import io.coffer.proto.v1.CommandStatus;
import io.coffer.proto.v1.CreateDatabaseRequest;
import io.coffer.proto.v1.Database;
import io.coffer.proto.v1.GetCommandRequest;
import io.coffer.tck.Ports;
import io.coffer.tck.Testbed;
import io.coffer.tck.mysql.MysqlProvider;
import io.coffer.tck.process.AgentProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;

/**
 * One instance whose agent runs in its own JVM (so it can be SIGKILLed) and supervises a real
 * MariaDB.
 */
final class Fixture implements AutoCloseable {
  final Path dir;
  final Testbed bed;
  final String instance;
  final AgentConfig config;
  final int dbPort;
  AgentProcess agent;

  private Fixture(Testbed bed, Path dir, String instance, AgentConfig config, int dbPort) {
    this.bed = bed;
    this.dir = dir;
    this.instance = instance;
    this.config = config;
    this.dbPort = dbPort;
  }

  /**
   * @param controlProcess run the control in its own JVM too (to kill it)
   * @param controlPort where the agent connects; 0 for the control itself (else e.g. a proxy's
   *     port)
   */
  static Fixture start(String instance, boolean controlProcess, IntUnaryOperator controlPort)
      throws Exception {
    MysqlProvider mysql = MysqlProvider.requireMariadb();
    Path dir =
        Files.createTempDirectory(
            "coffer-fault",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    Testbed bed = controlProcess ? Testbed.startWithControlProcess(dir) : Testbed.start(dir);
    int dbPort = Ports.free();
    AgentConfig config =
        bed.agentConfig(
            instance,
            mysql.pluginsDir(),
            mysql.datastore(dir.resolve("instance"), dbPort),
            controlPort.applyAsInt(bed.agentPort()));
    Fixture f = new Fixture(bed, dir, instance, config, dbPort);
    f.startAgent();
    bed.awaitHealthy(instance, Duration.ofSeconds(90));
    return f;
  }

  void startAgent() throws Exception {
    agent = bed.startAgentProcess(config);
  }

  JournalView journal() {
    return new JournalView(config.stateDir());
  }

  ServerView server() {
    var root = bed.enableRoot(instance);
    return new ServerView(dbPort, root.name(), root.password());
  }

  CreateDatabaseRequest createDatabase(String name, String commandId, Duration timeout) {
    return CreateDatabaseRequest.newBuilder()
        .setInstanceId(instance)
        .setOptions(
            CommandOptions.newBuilder()
                .setCommandId(commandId)
                .setTimeoutMillis((int) timeout.toMillis()))
        .setDatabase(Database.newBuilder().setName(name))
        .build();
  }

  CommandStatus command(String commandId) {
    return bed.commands()
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .getCommand(GetCommandRequest.newBuilder().setCommandId(commandId).build());
  }

  /** Waits until the control has a definite outcome for the command. */
  CommandStatus awaitDefinite(String commandId, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    CommandStatus last = null;
    while (System.nanoTime() < end) {
      try {
        last = command(commandId);
        if (last.getState() != CommandState.COMMAND_STATE_PENDING) {
          return last;
        }
      } catch (RuntimeException e) {
        // control restarting
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "command " + commandId + " still not definite after " + timeout + ": " + last);
  }

  @Override
  public void close() {
    bed.close();
  }
}
