package io.coffer.e2e.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.proto.v1.CommandOptions;
import io.coffer.proto.v1.CommandState;
import io.coffer.proto.v1.CommandStatus;
import io.coffer.proto.v1.CreateDatabaseRequest;
import io.coffer.proto.v1.Database;
import io.coffer.proto.v1.Event;
import io.coffer.proto.v1.GetCommandRequest;
import io.coffer.proto.v1.GetInstanceRequest;
import io.coffer.proto.v1.ListDatabasesRequest;
import io.coffer.proto.v1.Role;
import io.coffer.tck.process.ChaosProxy;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The primary is cut off from the control and from its replica at once (two proxies: one between
 * its agent and the control, one its replica replicates through), while four clients keep writing
 * to it directly. The control promotes the replica; the old primary's agent, whose lease ran out,
 * has fenced its server before that. Every write a client saw acknowledged by the old primary is on
 * the new one. After the heal, the old primary, deposed, is rejoined (or re-seeded, when it kept
 * commits that no client saw acknowledged) and ends with no row the new primary lacks; a command
 * journaled for it in the old term is refused by its agent when the control re-sends it.
 */
abstract class FullPartitionScenario {
  private static final int WRITERS = 4;
  private ReplicatedLedger pair;
  private final List<ChaosProxy> proxies = new ArrayList<>();
  private ChaosProxy toControl;
  private ChaosProxy toSource;

  abstract Ledger ledger();

  @AfterEach
  void stop() throws Exception {
    if (pair != null) {
      pair.close();
    }
    for (ChaosProxy p : proxies) {
      p.close();
    }
  }

  private IntFunction<ChaosProxy> proxy(boolean control) {
    return port -> {
      try {
        ChaosProxy p = new ChaosProxy(port);
        proxies.add(p);
        if (control) {
          toControl = p;
        } else {
          toSource = p;
        }
        return p;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
  }

  @Test
  void theIsolatedPrimaryFencesItselfBeforeThePromotionAndNoAcknowledgedWriteIsLost()
      throws Exception {
    pair =
        ReplicatedLedger.start(
            ledger(), new ReplicatedLedger.Options(true, false, false, proxy(true), proxy(false)));
    awaitLeaseHeld();
    ConcurrentHashMap<Long, Long> acknowledged = new ConcurrentHashMap<>(); // id -> when (nanoTime)
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      int writer = w;
      Thread t = new Thread(() -> keepWriting(writer, acknowledged, stop), "writer-" + w);
      t.start();
      writers.add(t);
    }
    Thread.sleep(2000);
    long partitionedAt = System.nanoTime();
    toControl.partition();
    toSource.partition();

    // a command for the old primary, journaled in term 1 while it is cut off: re-sent after the
    // failover, its agent refuses it (the term moved on), so nothing of term 1 runs on it
    try {
      pair.bed
          .databases()
          .withDeadlineAfter(2, TimeUnit.SECONDS)
          .createDatabase(
              CreateDatabaseRequest.newBuilder()
                  .setInstanceId(ReplicatedLedger.SOURCE)
                  .setDatabase(Database.newBuilder().setName("stale_term"))
                  .setOptions(
                      CommandOptions.newBuilder()
                          .setCommandId("stale-term-1")
                          .setTimeoutMillis(300_000))
                  .build());
      throw new AssertionError("a command for an unreachable agent completed");
    } catch (StatusRuntimeException expected) {
      assertThat(expected.getStatus().getCode())
          .isIn(Status.Code.DEADLINE_EXCEEDED, Status.Code.UNAVAILABLE);
    }

    Event completed = pair.bed.awaitEvent("failover_completed", Duration.ofSeconds(90));
    long promotedAfterMillis = (System.nanoTime() - partitionedAt) / 1_000_000;
    assertThat(completed.getDetailsMap())
        .containsEntry("new_primary", ReplicatedLedger.REPLICA)
        .containsEntry("term", "2");
    Thread.sleep(3000); // the clients keep trying the old primary after the promotion
    stop.set(true);
    for (Thread t : writers) {
      t.join(30_000);
    }

    Set<Long> onNew = new HashSet<>(pair.ids(pair.replicaPort));
    List<Long> lost =
        acknowledged.keySet().stream().filter(id -> !onNew.contains(id)).sorted().toList();
    long afterPartition = acknowledged.values().stream().filter(at -> at > partitionedAt).count();
    long lastAckAfterPartition =
        acknowledged.values().stream()
            .mapToLong(at -> (at - partitionedAt) / 1_000_000)
            .max()
            .orElse(0);
    Set<Long> onOld = new HashSet<>(pair.ids(pair.sourcePort));
    onOld.removeAll(onNew);
    System.out.printf(
        "%s full partition: %d writes acknowledged by the old primary (%d after the partition, the"
            + " last %d ms after it), promotion %d ms after the partition, %d acknowledged writes missing on the new"
            + " primary, %d unacknowledged rows only on the old primary before its rejoin%n",
        ledger().provider().engine(),
        acknowledged.size(),
        afterPartition,
        lastAckAfterPartition,
        promotedAfterMillis,
        lost.size(),
        onOld.size());
    assertThat(acknowledged).hasSizeGreaterThan(50);
    assertThat(lost).as("writes the old primary acknowledged that the new primary lacks").isEmpty();
    assertThat(onOld)
        .as("rows only on the old primary were never acknowledged")
        .doesNotContainAnyElementsOf(acknowledged.keySet());

    toControl.heal();
    toSource.heal();
    Event fenced = pair.bed.awaitEvent("fencing_applied", Duration.ofSeconds(60));
    assertThat(fenced.getInstanceId()).isEqualTo(ReplicatedLedger.SOURCE);
    pair.bed.awaitRole(ReplicatedLedger.SOURCE, Role.ROLE_REPLICA, Duration.ofMinutes(3));
    try (Connection c = pair.app(pair.replicaPort);
        Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO entries (id) VALUES (-1)");
    }
    awaitOldEqualsNew(Duration.ofMinutes(3));
    CommandStatus stale =
        pair.bed
            .commands()
            .getCommand(GetCommandRequest.newBuilder().setCommandId("stale-term-1").build());
    assertThat(stale.getState()).isEqualTo(CommandState.COMMAND_STATE_FAILED);
    assertThat(stale.getErrorCode()).isEqualTo("FAILED_PRECONDITION");
    assertThat(stale.getErrorMessage()).contains("term 1").contains("term 2");
    assertThat(
            pair.bed
                .databases()
                .listDatabases(
                    ListDatabasesRequest.newBuilder()
                        .setInstanceId(ReplicatedLedger.REPLICA)
                        .build())
                .getDatabasesList())
        .extracting(Database::getName)
        .doesNotContain("stale_term");
  }

  private void awaitLeaseHeld() throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < end) {
      if (pair.bed
              .instances()
              .getInstance(
                  GetInstanceRequest.newBuilder().setInstanceId(ReplicatedLedger.SOURCE).build())
              .getMetricsOrDefault("ha_lease_held", 0)
          == 1) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the primary's agent reported no lease");
  }

  private void awaitOldEqualsNew(Duration timeout) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    Set<Long> onNew = Set.of();
    Set<Long> onOld = Set.of();
    SQLException unreachable = null;
    while (System.nanoTime() < end) {
      try {
        onNew = new HashSet<>(pair.ids(pair.replicaPort));
        onOld = new HashSet<>(pair.ids(pair.sourcePort));
        if (onNew.equals(onOld)) {
          return;
        }
      } catch (SQLException e) {
        unreachable = e; // restarted while it is rewound or re-seeded
      }
      Thread.sleep(500);
    }
    Set<Long> extra = new HashSet<>(onOld);
    extra.removeAll(onNew);
    throw new AssertionError(
        "the old primary never matched the new one: "
            + extra.size()
            + " rows only on the old, "
            + onOld.size()
            + " vs "
            + onNew.size()
            + (unreachable == null ? "" : "; " + unreachable));
  }

  /**
   * Writer {@code w} inserts ids w, w + WRITERS, ... into the old primary, reconnecting after
   * errors, until stopped.
   */
  private void keepWriting(int w, ConcurrentHashMap<Long, Long> acknowledged, AtomicBoolean stop) {
    long id = w + 1;
    while (!stop.get()) {
      try (Connection c = pair.app(pair.sourcePort);
          Statement s = c.createStatement()) {
        while (!stop.get()) {
          long mine = id;
          id += WRITERS; // an id is tried once: a failed commit may still exist on the old primary
          s.executeUpdate("INSERT INTO entries (id) VALUES (" + mine + ")");
          acknowledged.put(mine, System.nanoTime());
        }
      } catch (SQLException e) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException interrupted) {
          return;
        }
      }
    }
  }
}
