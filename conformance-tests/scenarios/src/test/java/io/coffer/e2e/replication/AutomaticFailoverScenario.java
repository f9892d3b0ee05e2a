package io.coffer.e2e.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.proto.v1.Event;
import io.coffer.proto.v1.GetHaSettingsRequest;
import io.coffer.proto.v1.HaSettings;
import io.coffer.proto.v1.Role;
import io.coffer.tck.Testbed;
import io.coffer.tck.process.AgentProcess;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Automatic failover with (semi-)synchronous replication: four clients insert into the primary,
 * then its agent and every process of its server are killed with SIGKILL. With no command from
 * anyone, the control notices, promotes the replica in a new term, and every commit the primary
 * acknowledged is on it. The old primary's agent is then started again: it comes back deposed,
 * stays fenced, and the control rejoins it as a replica of the new primary by itself.
 */
abstract class AutomaticFailoverScenario {
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
  void theControlFailsOverByItselfLosesNothingAcknowledgedAndRejoinsTheOldPrimary()
      throws Exception {
    pair = ReplicatedLedger.start(ledger(), true, true);
    Testbed bed = pair.bed;
    ConcurrentLinkedQueue<Long> acknowledged = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      int writer = w;
      Thread t =
          new Thread(() -> write(pair.sourcePort, writer, acknowledged, stop), "writer-" + w);
      t.start();
      writers.add(t);
    }
    Thread.sleep(3000);
    List<ProcessHandle> server = pair.sourceProcess.descendants(); // the datastore and its helpers
    long killedAt = System.currentTimeMillis();
    pair.sourceProcess.kill9();
    server.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle p : server) {
      p.onExit().get(30, TimeUnit.SECONDS);
    }
    stop.set(true);
    for (Thread t : writers) {
      t.join(30_000);
    }

    Event completed = bed.awaitEvent("failover_completed", Duration.ofSeconds(90));
    long promotedAfter =
        completed.getAt().getSeconds() * 1000 + completed.getAt().getNanos() / 1_000_000 - killedAt;
    assertThat(completed.getInstanceId()).isEqualTo(ReplicatedLedger.SOURCE);
    assertThat(completed.getDetailsMap())
        .containsEntry("new_primary", ReplicatedLedger.REPLICA)
        .containsEntry("term", "2")
        .containsKey("unavailable_millis");
    bed.awaitRole(ReplicatedLedger.REPLICA, Role.ROLE_STANDALONE, Duration.ofSeconds(60));
    List<Long> acked = new ArrayList<>(acknowledged);
    assertThat(acked).hasSizeGreaterThan(50);
    assertThat(pair.ids(pair.replicaPort)).containsAll(acked);
    try (Connection c = pair.app(pair.replicaPort);
        Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO entries (id) VALUES (-1)"); // the new primary takes writes
    }
    HaSettings group =
        bed.replication()
            .getHaSettings(
                GetHaSettingsRequest.newBuilder()
                    .setSourceInstanceId(ReplicatedLedger.REPLICA)
                    .build());
    assertThat(group.getTerm()).isEqualTo(2);
    assertThat(group.getDeposedInstanceIdsList()).containsExactly(ReplicatedLedger.SOURCE);
    System.out.printf(
        "%s automatic failover after SIGKILL of the primary: %d commits acknowledged, all on the"
            + " promoted replica; promoted %d ms after the kill (unavailability as the control measured it: %s ms)%n",
        ledger().provider().engine(),
        acked.size(),
        promotedAfter,
        completed.getDetailsOrThrow("unavailable_millis"));

    // the old primary comes back: deposed, fenced, then rejoined by the control as a replica (or,
    // when it has a transaction the new primary never got, re-seeded from a fresh backup)
    AgentProcess back = bed.startAgentProcess(pair.sourceConfig);
    try (Connection c = pair.app(pair.replicaPort);
        Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO entries (id) VALUES (-2)");
    }
    awaitSameIds(Duration.ofMinutes(3));
    bed.awaitRole(ReplicatedLedger.SOURCE, Role.ROLE_REPLICA, Duration.ofSeconds(30));
    assertThat(back.alive()).isTrue();
    assertThat(bed.awaitEvent("repair_completed", Duration.ofSeconds(30)).getInstanceId())
        .isEqualTo(ReplicatedLedger.SOURCE);
    assertThat(
            bed.replication()
                .getHaSettings(
                    GetHaSettingsRequest.newBuilder()
                        .setSourceInstanceId(ReplicatedLedger.REPLICA)
                        .build())
                .getDeposedInstanceIdsList())
        .isEmpty();
  }

  private void awaitSameIds(Duration timeout) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    List<Long> primary = null;
    List<Long> old = null;
    SQLException unreachable = null;
    while (System.nanoTime() < end) {
      try {
        primary = pair.ids(pair.replicaPort);
        old = pair.ids(pair.sourcePort);
        if (new HashSet<>(primary).equals(new HashSet<>(old))) {
          return;
        }
      } catch (SQLException e) {
        unreachable = e; // the old primary's server restarts while it is rewound or re-seeded
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        "the rejoined old primary never caught up: "
            + (old == null ? 0 : old.size())
            + " rows against "
            + (primary == null ? 0 : primary.size())
            + (unreachable == null ? "" : "; " + unreachable));
  }

  /**
   * Writer {@code w} inserts ids w, w + WRITERS, ...; stops at its first error (the server is
   * gone).
   */
  private void write(
      int port, int w, ConcurrentLinkedQueue<Long> acknowledged, AtomicBoolean stop) {
    try (Connection c = pair.app(port);
        Statement s = c.createStatement()) {
      for (long id = w + 1; !stop.get(); id += WRITERS) {
        s.executeUpdate("INSERT INTO entries (id) VALUES (" + id + ")");
        acknowledged.add(id);
      }
    } catch (SQLException e) {
      // the primary was killed: what it acknowledged before is what counts
    }
  }
}
