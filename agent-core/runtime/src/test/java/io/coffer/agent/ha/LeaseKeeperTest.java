package io.coffer.agent.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.proto.v1.AgentEvent;
import io.coffer.proto.v1.Lease;
import io.coffer.spi.Probe;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lease's logic on a clock the test moves; the fence is a counter (the engines' fences have
 * their own tests).
 */
class LeaseKeeperTest {
  @TempDir Path dir;
  final AtomicLong now = new AtomicLong(1_000_000_000L);
  final AtomicInteger fences = new AtomicInteger();
  final AtomicInteger lifts = new AtomicInteger();
  final AtomicReference<Probe.Role> role = new AtomicReference<>(Probe.Role.PRIMARY);
  final List<AgentEvent> events = new CopyOnWriteArrayList<>();
  LeaseKeeper keeper;

  LeaseKeeper start() {
    keeper =
        new LeaseKeeper(
            dir,
            () -> {
              fences.incrementAndGet();
              role.set(Probe.Role.REPLICA); // as the engines' fence: the server refuses writes
            },
            () -> {
              lifts.incrementAndGet();
              role.set(Probe.Role.PRIMARY);
            },
            role::get,
            events::add,
            now::get);
    keeper.start();
    return keeper;
  }

  @AfterEach
  void close() {
    if (keeper != null) {
      keeper.close();
    }
  }

  static Lease lease(long term, int millis, long sequence) {
    return Lease.newBuilder()
        .setTerm(term)
        .setLeaseMillis(millis)
        .setHeartbeatSequence(sequence)
        .setPrimary(true)
        .build();
  }

  void advanceMillis(long ms) {
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
  }

  static void await(BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("condition not met within 5 s");
      }
      Thread.sleep(20);
    }
  }

  @Test
  void theLeaseRunsFromTheHeartbeatsSendingAndFencesWhenItRunsOut() throws Exception {
    start();
    keeper.heartbeatSent(1);
    advanceMillis(1500); // the answer took 1.5 s: the lease still counts from the sending
    keeper.onLease(lease(1, 4000, 1));
    assertThat(keeper.metrics()).containsEntry("ha_lease_held", 1.0).containsEntry("ha_term", 1.0);

    advanceMillis(2400); // 3.9 s after sending
    Thread.sleep(300);
    assertThat(fences).hasValue(0);
    advanceMillis(200); // 4.1 s
    await(() -> fences.get() == 1);
    assertThat(keeper.metrics())
        .containsEntry("ha_fenced", 1.0)
        .containsEntry("ha_lease_held", 0.0);
    await(() -> !events.isEmpty());
    assertThat(events.get(0).getKind()).isEqualTo("fencing_applied");
    assertThat(events.get(0).getDetailsMap()).containsEntry("term", "1");
  }

  @Test
  void aLeaseRenewedInTheSameTermLiftsTheFence() throws Exception {
    start();
    keeper.heartbeatSent(1);
    keeper.onLease(lease(1, 4000, 1));
    advanceMillis(5000);
    await(() -> fences.get() == 1);

    keeper.heartbeatSent(2);
    keeper.onLease(lease(1, 4000, 2));
    await(() -> lifts.get() == 1);
    assertThat(keeper.metrics())
        .containsEntry("ha_fenced", 0.0)
        .containsEntry("ha_lease_held", 1.0);
  }

  @Test
  void aLeaseForAHeartbeatThisProcessDidNotSendIsIgnored() throws Exception {
    start();
    keeper.onLease(lease(1, 4000, 99));
    assertThat(keeper.metrics()).containsEntry("ha_lease_held", 0.0);
  }

  @Test
  void aDeposedPrimaryIsFencedAndNoLeaseOfItsOldTermLiftsIt() throws Exception {
    start();
    keeper.welcomed(3, true);
    await(() -> fences.get() == 1);
    role.set(Probe.Role.PRIMARY); // say the server was started by hand as a primary again
    keeper.heartbeatSent(1);
    keeper.onLease(lease(3, 4000, 1)); // a stale grant in the term that deposed it
    Thread.sleep(300);
    assertThat(lifts).hasValue(0);
    assertThat(keeper.metrics()).containsEntry("ha_fenced", 1.0);
  }

  @Test
  void aLeaseForAnotherPrimaryFencesThisOne() throws Exception {
    start();
    keeper.onLease(Lease.newBuilder().setTerm(2).setPrimary(false).build());
    await(() -> fences.get() == 1);
    assertThat(keeper.accepts(1)).as("a command of the older term").isFalse();
    assertThat(keeper.accepts(2)).isTrue();
    assertThat(keeper.accepts(0)).as("a command sent outside any group").isTrue();
  }

  @Test
  void aDeposedPrimaryWhoseServerIsStillStartingIsFencedOnceItAnswers() throws Exception {
    role.set(Probe.Role.UNKNOWN); // the supervisor is still starting the server
    start();
    keeper.welcomed(3, true);
    Thread.sleep(300);
    assertThat(fences).as("nothing to fence while it does not answer").hasValue(0);
    role.set(Probe.Role.STANDALONE);
    await(() -> fences.get() == 1);
  }

  @Test
  void anAttachEndsAFenceThatWasStillDue() throws Exception {
    role.set(Probe.Role.UNKNOWN);
    start();
    keeper.welcomed(3, true);
    keeper.roleChanged(); // the control attached it as a replica meanwhile
    role.set(Probe.Role.PRIMARY);
    Thread.sleep(300);
    assertThat(fences).hasValue(0);
  }

  @Test
  void aReplicaIsNeverFenced() throws Exception {
    role.set(Probe.Role.REPLICA);
    start();
    keeper.welcomed(2, true);
    Thread.sleep(300);
    assertThat(fences).hasValue(0);
  }

  @Test
  void aRestartedAgentThatHeldALeaseStartsWithoutOneAndFencesUntilGrantedTheNext()
      throws Exception {
    start();
    keeper.heartbeatSent(1);
    keeper.onLease(lease(4, 4000, 1));
    keeper.close();

    keeper = null;
    LeaseKeeper restarted = start(); // same state directory: the agent came back after kill -9
    assertThat(restarted.term()).isEqualTo(4);
    await(() -> fences.get() == 1);
    restarted.heartbeatSent(1);
    restarted.onLease(lease(4, 4000, 1));
    await(() -> lifts.get() == 1);
  }

  @Test
  void aZeroLeaseMeansFailoverByHandOnlyAndLiftsThisAgentsFence() throws Exception {
    start();
    keeper.heartbeatSent(1);
    keeper.onLease(lease(1, 4000, 1));
    advanceMillis(5000);
    await(() -> fences.get() == 1);

    keeper.heartbeatSent(2);
    keeper.onLease(lease(1, 0, 2)); // automatic failover switched off for the group
    await(() -> lifts.get() == 1);
    advanceMillis(60_000);
    Thread.sleep(300);
    assertThat(fences).as("no lease, no fence on silence").hasValue(1);
  }

  @Test
  void commandsOfAnOlderTermAreRefusedAfterARestart() {
    start();
    assertThat(keeper.accepts(5)).isTrue();
    keeper.close();
    keeper = null;
    LeaseKeeper restarted = start();
    assertThat(restarted.accepts(4)).isFalse();
    assertThat(restarted.accepts(5)).isTrue();
  }
}
