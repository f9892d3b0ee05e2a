package io.coffer.e2e.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.proto.v1.Event;
import io.coffer.proto.v1.GetHaSettingsRequest;
import io.coffer.proto.v1.GetInstanceRequest;
import io.coffer.proto.v1.HaSettings;
import io.coffer.tck.process.ChaosProxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The primary's agent is cut off from the control only (a proxy between them refuses every
 * connection), while its replica still receives from it. The control must not fail over: it asks
 * the replica, which still receives, and says why in an event. Meanwhile the primary's agent can no
 * longer renew its lease and fences its server (so a control that did fail over could never meet
 * two primaries); when the link heals, the next lease lifts the fence and the same primary takes
 * writes again, in the same term.
 */
class ControlPartitionTest {
  private ReplicatedLedger pair;
  private ChaosProxy proxy;

  @AfterEach
  void stop() throws Exception {
    if (pair != null) {
      pair.close();
    }
    if (proxy != null) {
      proxy.close();
    }
  }

  @Test
  void aPrimaryCutOffFromTheControlOnlyIsNotFailedOverFencesItselfAndTakesWritesAfterTheHeal()
      throws Exception {
    pair =
        ReplicatedLedger.start(
            Ledger.MARIADB,
            new ReplicatedLedger.Options(
                false,
                false,
                false,
                port -> {
                  try {
                    proxy = new ChaosProxy(port);
                    return proxy;
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                }));
    insert(1); // writable before
    awaitLeaseHeld(Duration.ofSeconds(30)); // the group exists once create_replica recorded it
    proxy.partition();

    Event declined = pair.bed.awaitEvent("failover_declined", Duration.ofSeconds(60));
    assertThat(declined.getInstanceId()).isEqualTo(ReplicatedLedger.SOURCE);
    assertThat(declined.getDetailsMap()).containsEntry("receiving", "1");
    assertThat(declined.getMessage()).contains("the control is the one cut off");
    awaitRefused(Duration.ofSeconds(30)); // its lease ran out: its agent fenced it

    proxy.heal();
    awaitAccepted(Duration.ofSeconds(90)); // the next lease lifts the fence
    HaSettings group =
        pair.bed
            .replication()
            .getHaSettings(
                GetHaSettingsRequest.newBuilder()
                    .setSourceInstanceId(ReplicatedLedger.SOURCE)
                    .build());
    assertThat(group.getTerm()).as("no promotion happened").isEqualTo(1);
    assertThat(group.getDeposedInstanceIdsList()).isEmpty();
    Event fenced = pair.bed.awaitEvent("fencing_applied", Duration.ofSeconds(30));
    assertThat(fenced.getInstanceId()).isEqualTo(ReplicatedLedger.SOURCE);
    assertThat(fenced.getMessage()).contains("lease ran out");
  }

  private void insert(long id) throws SQLException {
    try (Connection c = pair.app(pair.sourcePort);
        Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO entries (id) VALUES (" + id + ")");
    }
  }

  private void awaitLeaseHeld(Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      double held =
          pair.bed
              .instances()
              .getInstance(
                  GetInstanceRequest.newBuilder().setInstanceId(ReplicatedLedger.SOURCE).build())
              .getMetricsOrDefault("ha_lease_held", 0);
      if (held == 1) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the primary's agent reported no lease within " + timeout);
  }

  private void awaitRefused(Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    long id = 1000;
    while (System.nanoTime() < end) {
      try {
        insert(id++);
      } catch (SQLException refused) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "the primary cut off from the control still took writes after " + timeout);
  }

  private void awaitAccepted(Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    long id = 5000;
    SQLException last = null;
    while (System.nanoTime() < end) {
      try {
        insert(id++);
        return;
      } catch (SQLException e) {
        last = e;
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        "the primary took no write within " + timeout + " after the heal: " + last);
  }
}
