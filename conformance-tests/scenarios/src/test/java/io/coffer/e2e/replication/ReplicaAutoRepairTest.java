package io.coffer.e2e.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.proto.v1.Event;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A replica whose replication broke is repaired without a person (MariaDB): a stray write on the
 * replica (root may still write on a read-only MariaDB) collides with the next row from the source,
 * the replica's applier stops on the duplicate key; the control restarts its replication, which
 * runs, then stops again on the same row; the control then re-seeds it from a fresh backup of the
 * source. Every row is then the source's.
 */
class ReplicaAutoRepairTest {
  private ReplicatedLedger pair;

  @AfterEach
  void stop() {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void aBrokenReplicaIsRestartedThenReseededByTheControl() throws Exception {
    pair = ReplicatedLedger.start(Ledger.MARIADB, false, false);
    try (Connection c =
            pair.ledger.connect(pair.replicaPort, pair.root.name(), pair.root.password());
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "INSERT INTO entries (id) VALUES (777)"); // the stray write, on the replica only
    }
    try (Connection c = pair.app(pair.sourcePort);
        Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO entries (id) VALUES (1), (777), (2)");
    }

    // restart started and completed (replication runs, then stops on the same row again), re-seed
    // started and completed
    List<Event> repairs =
        pair.bed.events(0, 4, List.of("repair_started", "repair_completed"), Duration.ofMinutes(4));
    assertThat(repairs)
        .extracting(Event::getKind)
        .containsExactly(
            "repair_started", "repair_completed", "repair_started", "repair_completed");
    assertThat(repairs)
        .extracting(e -> e.getDetailsOrDefault("repair", ""))
        .containsExactly("restart", "restart", "reseed", "reseed");
    assertThat(repairs).allMatch(e -> e.getInstanceId().equals(ReplicatedLedger.REPLICA));
    Event done = repairs.get(repairs.size() - 1);
    assertThat(done.getKind()).isEqualTo("repair_completed");
    assertThat(done.getDetailsMap()).containsEntry("repair", "reseed");

    try (Connection c = pair.app(pair.sourcePort);
        Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO entries (id) VALUES (3)");
    }
    awaitSame(Duration.ofSeconds(60));
  }

  private void awaitSame(Duration timeout) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    Set<Long> source = Set.of();
    Set<Long> replica = Set.of();
    while (System.nanoTime() < end) {
      try {
        source = new HashSet<>(pair.ids(pair.sourcePort));
        replica = new HashSet<>(pair.ids(pair.replicaPort));
        if (source.equals(replica) && source.contains(3L)) {
          return;
        }
      } catch (SQLException restarting) {
        // the replica's server restarts while it is re-seeded
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        "the repaired replica differs: source " + source + ", replica " + replica);
  }
}
