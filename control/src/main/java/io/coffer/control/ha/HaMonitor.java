package io.coffer.control.ha;

import io.coffer.control.cluster.ClusterMembership;
import io.coffer.control.cluster.WholeClusterRecovery;
import io.coffer.control.events.Events;
import io.coffer.control.registry.AgentRegistry;
import io.coffer.control.replication.ReplicationManager;
import io.coffer.control.replication.Topology;
import io.coffer.control.replication.Topology.Group;
import io.coffer.control.workflow.WorkflowRunner;
import io.coffer.proto.v1.Health;
import io.coffer.proto.v1.InstanceState;
import io.coffer.proto.v1.InstanceStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The HA loop, the whole story in one place, every {@code tick} on a thread of its own:
 *
 * <ol>
 *   <li><b>notice</b>: publish what changed on each instance ({@link InstanceWatch});
 *   <li><b>detect</b>: for each replication group with automatic failover, judge its primary lost
 *       on evidence only: no heartbeat for the group's detection window, or its datastore reported
 *       down (stopped or not answering) for that long while its agent lives;
 *   <li><b>fail over</b>: start the group's {@link Failover}, which asks the replicas whether they
 *       still receive from the primary before it acts, waits out the primary's lease, fences it,
 *       and promotes the most advanced replica in a new term;
 *   <li><b>repair</b>: rejoin deposed primaries that come back, restart or re-seed replicas whose
 *       replication stopped ({@link Repairs});
 *   <li><b>recover clusters</b>: a Galera cluster whose every node stopped is started again from
 *       its most advanced node ({@link ClusterWatch}).
 * </ol>
 *
 * A declined failover is not tried again for one detection window. For the first 20 s after the
 * control starts it fails over no primary it has not seen yet: agents reconnect with backoff after
 * a control restart, and a primary that has not reconnected yet is not lost. Failovers a previous
 * control left running are resumed by the workflow runner, not started again.
 */
public final class HaMonitor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HaMonitor.class);
  static final Duration STARTUP_GRACE = Duration.ofSeconds(20);

  private final AgentRegistry registry;
  private final Topology topology;
  private final Failover failover;
  private final Repairs repairs;
  private final WorkflowRunner runner;
  private final Leases leases;
  private final InstanceWatch watch;
  private final ClusterWatch clusters;
  private final Clock clock;
  private final Instant started;
  private final Scheduler thread = Schedulers.newSingle("coffer-ha", true);

  /** Since when each primary has reported its datastore down while connected. */
  private final Map<String, Instant> downSince = new HashMap<>();

  /** No automatic failover of a group's primary before this (after one started or was declined). */
  private final Map<String, Instant> quietUntil = new HashMap<>();

  private Disposable loop;

  public HaMonitor(
      AgentRegistry registry,
      Topology topology,
      Events events,
      Failover failover,
      ReplicationManager replication,
      ClusterMembership clusterMembership,
      WholeClusterRecovery clusterRecovery,
      WorkflowRunner runner,
      Leases leases,
      Clock clock) {
    this.registry = registry;
    this.topology = topology;
    this.failover = failover;
    this.runner = runner;
    this.leases = leases;
    this.clock = clock;
    this.started = clock.instant();
    this.repairs = new Repairs(registry, topology, replication, runner, events, thread);
    this.clusters = new ClusterWatch(registry, clusterMembership, clusterRecovery);
    this.watch =
        new InstanceWatch(
            registry,
            events,
            instance ->
                topology
                    .sourceOf(instance)
                    .flatMap(topology::group)
                    .map(g -> g.settings().maxLag().toMillis() / 1000.0)
                    .orElse(Double.MAX_VALUE));
  }

  public void start(Duration tick) {
    loop =
        Flux.interval(tick, tick, thread)
            .onBackpressureDrop()
            .subscribe(
                t -> {
                  try {
                    tick();
                  } catch (RuntimeException e) {
                    log.error("HA loop: {}", e.getMessage(), e);
                  }
                });
  }

  void tick() {
    Instant now = clock.instant();
    watch.tick();
    Set<String> failingOver =
        runner.running(Failover.KIND).stream()
            .map(w -> w.param("source"))
            .collect(Collectors.toSet());
    for (Group group : topology.groups().values()) {
      String primary = group.primary();
      if (failingOver.contains(primary)) {
        continue;
      }
      if (leases.failingOver(primary)) {
        leases.restore(primary); // a failover that ended without a promotion
      }
      if (!group.settings().enabled() || topology.replicasOf(primary).isEmpty()) {
        continue;
      }
      Optional<String> lost = lost(primary, group, now);
      Instant lastSeen = registry.lastSeen(primary).orElse(started);
      // a primary this control never saw may just be reconnecting after the control's restart
      boolean reconnecting =
          !lastSeen.isAfter(started) && now.isBefore(started.plus(STARTUP_GRACE));
      if (lost.isPresent()
          && !reconnecting
          && now.isAfter(quietUntil.getOrDefault(primary, Instant.MIN))) {
        quietUntil.put(primary, now.plus(group.settings().detectionWindow()));
        log.warn("primary {} is lost ({}); starting its failover", primary, lost.get());
        failover
            .automatic(primary, lost.get(), lastSeen)
            .subscribe(
                w -> log.info("failover workflow {} of {}", w.id(), primary),
                e -> log.error("cannot start the failover of {}: {}", primary, e.getMessage()));
      }
    }
    repairs.tick(now);
    clusters.tick(now);
  }

  /** Why {@code primary} counts as lost now, or empty while it does not. */
  private Optional<String> lost(String primary, Group group, Instant now) {
    Duration window = group.settings().detectionWindow();
    Optional<InstanceStatus> s = registry.status(primary);
    Instant lastSeen = registry.lastSeen(primary).orElse(started);
    Duration silent = Duration.between(lastSeen, now);
    if (s.isEmpty() || s.get().getState() != InstanceState.INSTANCE_STATE_CONNECTED) {
      downSince.remove(primary);
      return silent.compareTo(window) >= 0
          ? Optional.of(
              "no heartbeat for " + silent.toMillis() + " ms (window " + window.toMillis() + " ms)")
          : Optional.empty();
    }
    boolean down =
        s.get().getHealth() == Health.HEALTH_STOPPED
            || s.get().getHealth() == Health.HEALTH_UNHEALTHY;
    if (!down) {
      downSince.remove(primary);
      return Optional.empty();
    }
    Duration downFor = Duration.between(downSince.computeIfAbsent(primary, k -> now), now);
    return downFor.compareTo(window) >= 0
        ? Optional.of(
            "its datastore is down for " + downFor.toMillis() + " ms: " + s.get().getDetail())
        : Optional.empty();
  }

  @Override
  public void close() {
    if (loop != null) {
      loop.dispose();
    }
    thread.dispose();
  }
}
