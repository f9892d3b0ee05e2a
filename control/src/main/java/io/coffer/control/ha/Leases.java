package io.coffer.control.ha;

import io.coffer.control.replication.HaSettings;
import io.coffer.control.replication.Topology;
import io.coffer.control.replication.Topology.Group;
import io.coffer.proto.v1.Heartbeat;
import io.coffer.proto.v1.Lease;
import io.coffer.proto.v1.Role;
import io.coffer.proto.v1.Welcome;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The control's side of the primary's lease and of terms. Each heartbeat of a group's primary that
 * accepts writes is answered with a lease for the group's term, unless the group fails over right
 * now (then its primary's lease runs out and its agent fences it); when each lease was granted is
 * remembered, so that a failover waits until the last one surely ran out. A deposed primary is told
 * so at each heartbeat and in its Welcome, so it stays fenced. Called on the gateway's threads:
 * never blocks (the topology is an in-memory snapshot).
 */
public final class Leases {
  private final Topology topology;
  private final Clock clock;
  private final Instant started;
  private final Map<String, Instant> granted = new ConcurrentHashMap<>();
  private final Set<String> failingOver = ConcurrentHashMap.newKeySet();

  public Leases(Topology topology, Clock clock) {
    this.topology = topology;
    this.clock = clock;
    this.started = clock.instant();
  }

  /** The term and deposed state a new stream of {@code instance} is welcomed with. */
  public Welcome.Builder welcome(String instance, Welcome.Builder welcome) {
    return welcome
        .setTerm(topology.termOf(instance))
        .setDeposed(topology.deposed(instance).isPresent());
  }

  /** What to answer a heartbeat of {@code instance} with, if anything. */
  public Optional<Lease> answer(String instance, Heartbeat hb) {
    Optional<Topology.Deposed> deposed = topology.deposed(instance);
    if (deposed.isPresent()) {
      return Optional.of(
          Lease.newBuilder()
              .setTerm(deposed.get().term())
              .setPrimary(false)
              .setHeartbeatSequence(hb.getSequence())
              .build());
    }
    Optional<Group> group = topology.group(instance);
    boolean writable = hb.getRole() == Role.ROLE_PRIMARY || hb.getRole() == Role.ROLE_STANDALONE;
    if (group.isEmpty() || !writable || failingOver.contains(instance)) {
      return Optional.empty();
    }
    if (!group
        .get()
        .settings()
        .enabled()) { // failover by hand only: no lease to hold, nothing to fence
      return Optional.of(
          Lease.newBuilder()
              .setTerm(group.get().term())
              .setPrimary(true)
              .setLeaseMillis(0)
              .setHeartbeatSequence(hb.getSequence())
              .build());
    }
    granted.put(instance, clock.instant());
    return Optional.of(
        Lease.newBuilder()
            .setTerm(group.get().term())
            .setPrimary(true)
            .setLeaseMillis((int) group.get().settings().lease().toMillis())
            .setHeartbeatSequence(hb.getSequence())
            .build());
  }

  /**
   * Stops granting {@code primary} leases (its group fails over) and returns when the last lease
   * this control may have granted it ends. Before this control's start, an earlier one may have
   * granted one: its start then counts as the last grant.
   */
  public Instant revoke(String primary, Group group) {
    failingOver.add(primary);
    Instant last = granted.getOrDefault(primary, started);
    return (last.isAfter(started) ? last : started)
        .plus(group.settings().lease())
        .plus(HaSettings.MARGIN);
  }

  /**
   * The failover of {@code primary}'s group ended (declined, or done): grants may resume where due.
   */
  public void restore(String primary) {
    failingOver.remove(primary);
  }

  public boolean failingOver(String primary) {
    return failingOver.contains(primary);
  }
}
