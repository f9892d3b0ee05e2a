package io.coffer.e2e.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.proto.v1.EjectRequest;
import io.coffer.proto.v1.Role;
import io.coffer.proto.v1.SetHaSettingsRequest;
import io.coffer.proto.v1.Workflow;
import io.coffer.proto.v1.WorkflowState;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Failover with (semi-)synchronous replication after SIGKILL: four clients insert rows, one
 * transaction each, into the source. The replica's server is frozen (SIGSTOP) for a moment, so that
 * it falls behind, and while it is frozen the source's agent and every process of its server are
 * killed with SIGKILL (no clean shutdown, nothing flushed on the way out). Then the replica thaws
 * and the source is ejected: every insert the source acknowledged must be on the promoted replica.
 * With asynchronous replication the source goes on acknowledging while the replica is frozen, and
 * those commits are lost: the test fails.
 */
abstract class SynchronousFailoverScenario {
  private static final int WRITERS = 4;
  private ReplicatedLedger pair;

  abstract Ledger ledger();

  @AfterEach
  void stop() {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void everyAcknowledgedCommitSurvivesTheLossOfTheSource() throws Exception {
    pair = ReplicatedLedger.start(ledger(), true, true);
    // a person ejects the source here (AutomaticFailoverScenario lets the control do it)
    pair.bed
        .replication()
        .setHaSettings(
            SetHaSettingsRequest.newBuilder()
                .setSourceInstanceId(ReplicatedLedger.SOURCE)
                .setEnabled(false)
                .build());
    ConcurrentLinkedQueue<Long> acknowledged = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      int writer = w;
      Thread t = new Thread(() -> write(writer, acknowledged, stop), "writer-" + w);
      t.start();
      writers.add(t);
    }
    Thread.sleep(3000);

    List<ProcessHandle> replica = serverOf(ReplicatedLedger.REPLICA);
    int duringFreeze;
    signal("STOP", replica);
    try {
      int beforeFreeze = acknowledged.size();
      Thread.sleep(1500);
      duringFreeze = acknowledged.size() - beforeFreeze;
      List<ProcessHandle> server =
          pair.sourceProcess.descendants(); // the datastore and its helpers
      pair.sourceProcess.kill9();
      server.forEach(ProcessHandle::destroyForcibly); // SIGKILL
      for (ProcessHandle p : server) {
        p.onExit().get(30, TimeUnit.SECONDS);
      }
    } finally {
      signal("CONT", replica); // never leave the replica frozen, whatever failed
    }
    stop.set(true);
    for (Thread t : writers) {
      t.join(30_000);
    }

    Workflow w =
        pair.bed.awaitWorkflow(
            pair.bed
                .replication()
                .eject(
                    EjectRequest.newBuilder().setSourceInstanceId(ReplicatedLedger.SOURCE).build())
                .getWorkflowId(),
            Duration.ofMinutes(2));
    assertThat(w.getState()).as(w.getError()).isEqualTo(WorkflowState.WORKFLOW_STATE_SUCCEEDED);
    assertThat(w.getDetailsOrThrow("new_primary")).isEqualTo(ReplicatedLedger.REPLICA);
    // it accepts writes, with no replica left: a standalone instance
    pair.bed.awaitRole(ReplicatedLedger.REPLICA, Role.ROLE_STANDALONE, Duration.ofSeconds(60));

    List<Long> acked = new ArrayList<>(acknowledged);
    assertThat(acked).hasSizeGreaterThan(50);
    assertThat(pair.ids(pair.replicaPort)).containsAll(acked);
    try (Connection c = pair.app(pair.replicaPort);
        Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO entries (id) VALUES (-1)"); // the new primary takes writes
    }
    System.out.printf(
        "%s failover after SIGKILL of the source, synchronous replication: %d commits acknowledged"
            + " by the source (%d while the replica was frozen), all on the promoted replica%n",
        ledger().provider().engine(), acked.size(), duringFreeze);
  }

  /** The replica's server processes: those with its data directory on their command line. */
  private static List<ProcessHandle> serverOf(String instance) {
    String marker = "/" + instance + "/";
    List<ProcessHandle> found =
        ProcessHandle.current()
            .descendants()
            .filter(
                p ->
                    p.info()
                        .arguments()
                        .map(a -> String.join(" ", a).contains(marker))
                        .orElse(false))
            .toList();
    assertThat(found).as("processes of " + instance + "'s server").isNotEmpty();
    return found;
  }

  /**
   * Sends {@code signal} to each server process, which must take it, then to the processes below it
   * (PostgreSQL's backends and WAL receiver). One of those may have just exited (a probe's
   * backend), so a failure there is not an error.
   */
  private static void signal(String signal, List<ProcessHandle> servers) throws Exception {
    for (ProcessHandle server : servers) {
      assertThat(kill(signal, server)).as("kill -" + signal + " " + server.pid()).isZero();
      for (ProcessHandle below : server.descendants().toList()) {
        kill(signal, below);
      }
    }
  }

  private static int kill(String signal, ProcessHandle p) throws Exception {
    return new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid()))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start()
        .waitFor();
  }

  /**
   * Writer {@code w} inserts ids w, w + WRITERS, ...; stops at its first error (the source is
   * gone).
   */
  private void write(int w, ConcurrentLinkedQueue<Long> acknowledged, AtomicBoolean stop) {
    try (Connection c = pair.app(pair.sourcePort);
        Statement s = c.createStatement()) {
      for (long id = w + 1; !stop.get(); id += WRITERS) {
        s.executeUpdate("INSERT INTO entries (id) VALUES (" + id + ")");
        acknowledged.add(id);
      }
    } catch (SQLException e) {
      // the source was killed: what it acknowledged before is what counts
    }
  }
}
