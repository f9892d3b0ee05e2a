package io.coffer.control.ha;

import io.coffer.control.events.EventKind;
import io.coffer.control.events.Events;
import io.coffer.control.registry.AgentRegistry;
import io.coffer.control.replication.ReplicationManager;
import io.coffer.control.replication.Topology;
import io.coffer.control.replication.Topology.Deposed;
import io.coffer.control.workflow.Workflow;
import io.coffer.control.workflow.WorkflowRunner;
import io.coffer.proto.v1.InstanceStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Repair without a person: a deposed primary that comes back (connected, its datastore healthy) is
 * rejoined to its group's primary (MariaDB by GTID, PostgreSQL with pg_rewind); a replica whose
 * replication stopped (connected, server up, not replicating for the detection window) is first
 * attached again (its replication restarted), and if it stops again within 10 minutes, re-seeded
 * from a fresh backup of its source. A MariaDB former primary that diverged (a transaction its new
 * primary lacks) attaches, then stops replicating on an error, and is re-seeded by the second rule.
 * Each repair is an ordinary journaled workflow, visible in {@code coffer workflow show}, and
 * announced by events. Only in groups with automatic failover on: a group that fails over by hand
 * is repaired by hand. Called from the HA loop's thread.
 */
final class Repairs {
  private static final Logger log = LoggerFactory.getLogger(Repairs.class);
  private static final Duration RESTART_REMEMBERED = Duration.ofMinutes(10);
  private static final String PENDING = "";

  private final AgentRegistry registry;
  private final Topology topology;
  private final ReplicationManager replication;
  private final WorkflowRunner runner;
  private final Events events;
  private final Scheduler thread;

  /** Since when each replica has not replicated (connected, server up). */
  private final Map<String, Instant> brokenSince = new HashMap<>();

  /** When each replica's replication was last restarted by this loop. */
  private final Map<String, Instant> restartedAt = new HashMap<>();

  /** Workflows this loop started and has not seen end yet, by instance. */
  private final Map<String, String> active = new HashMap<>();

  /**
   * @param thread the HA loop's: this class's state is only touched there
   */
  Repairs(
      AgentRegistry registry,
      Topology topology,
      ReplicationManager replication,
      WorkflowRunner runner,
      Events events,
      Scheduler thread) {
    this.thread = thread;
    this.registry = registry;
    this.topology = topology;
    this.replication = replication;
    this.runner = runner;
    this.events = events;
  }

  void tick(Instant now) {
    for (Map.Entry<String, Deposed> d : topology.deposed().entrySet()) {
      String instance = d.getKey();
      if (busy(instance) || !registry.status(instance).map(Failover::answers).orElse(false)) {
        continue;
      }
      Optional<String> primary = currentPrimary(d.getValue().primary());
      if (primary.isEmpty()
          || !registry.status(primary.get()).map(Failover::answers).orElse(false)
          || !topology.group(primary.get()).map(g -> g.settings().enabled()).orElse(false)) {
        continue; // a group that fails over by hand is repaired by hand too
      }
      start(
          instance,
          "rejoin",
          "former primary " + instance + " rejoins as a replica of " + primary.get(),
          replication.rejoin(
              instance, primary.get(), "rejoin-" + instance + "-t" + d.getValue().term()));
    }
    for (Topology.Group g : topology.groups().values()) {
      if (!g.settings().enabled()) {
        continue;
      }
      for (String replica : topology.replicasOf(g.primary())) {
        watchReplica(replica, g, now);
      }
    }
  }

  private void watchReplica(String replica, Topology.Group group, Instant now) {
    Optional<InstanceStatus> s = registry.status(replica);
    boolean broken =
        s.map(Failover::answers).orElse(false)
            && s.get().getMetricsOrDefault("replication_running", 1) == 0
            && registry.status(group.primary()).map(Failover::answers).orElse(false);
    if (!broken) {
      brokenSince.remove(replica);
      return;
    }
    if (busy(replica)) {
      brokenSince.remove(
          replica); // counted afresh once the repair ends: a replica needs a moment to stream
      return;
    }
    Instant since = brokenSince.computeIfAbsent(replica, k -> now);
    if (Duration.between(since, now).compareTo(group.settings().detectionWindow()) < 0) {
      return;
    }
    Instant restarted = restartedAt.get(replica);
    String why = s.get().getDetail();
    if (restarted == null || Duration.between(restarted, now).compareTo(RESTART_REMEMBERED) > 0) {
      restartedAt.put(replica, now);
      start(
          replica,
          "restart",
          "replication of " + replica + " stopped (" + why + "); restarting it",
          replication.rejoin(
              replica, group.primary(), "restart-" + replica + "-" + now.getEpochSecond()));
    } else {
      reseed(
          replica,
          "replication of " + replica + " stopped again (" + why + "); re-seeding it",
          now);
    }
    brokenSince.remove(replica);
  }

  private void reseed(String replica, String message, Instant now) {
    restartedAt.remove(replica);
    start(
        replica,
        "reseed",
        message,
        replication.repair(
            replica,
            topology.synchronous(replica),
            "reseed-" + replica + "-" + now.getEpochSecond()));
  }

  /** The group's primary now: {@code primary}, or whoever replaced it since. */
  private Optional<String> currentPrimary(String primary) {
    String p = primary;
    for (int hops = 0; hops < 16; hops++) {
      if (topology.group(p).isPresent()) {
        return Optional.of(p);
      }
      Optional<Deposed> next = topology.deposed(p);
      if (next.isEmpty()) {
        return Optional.empty();
      }
      p = next.get().primary();
    }
    return Optional.empty();
  }

  private boolean busy(String instance) {
    String id = active.get(instance);
    if (id == null) {
      return false;
    }
    if (id.equals(PENDING)) {
      return true;
    }
    boolean running =
        runner.running(Failover.KIND).stream().anyMatch(w -> w.id().equals(id))
            || runner.running(ReplicationManager.REJOIN).stream().anyMatch(w -> w.id().equals(id))
            || runner.running(ReplicationManager.REPAIR).stream().anyMatch(w -> w.id().equals(id));
    if (!running) {
      active.remove(instance);
    }
    return running;
  }

  private void start(String instance, String what, String message, Mono<Workflow> workflow) {
    active.put(instance, PENDING);
    events.publish(EventKind.REPAIR_STARTED, instance, message, Map.of("repair", what));
    workflow
        .publishOn(thread)
        .subscribe(
            w -> {
              active.put(instance, w.id());
              log.info("{}: workflow {} ({})", message, w.id(), w.kind());
              runner
                  .whenEnded(w.id())
                  .publishOn(thread)
                  .subscribe(
                      ended -> {
                        if (ended.state() == Workflow.State.SUCCEEDED) {
                          events.publish(
                              EventKind.REPAIR_COMPLETED,
                              instance,
                              what + " of " + instance + " completed",
                              Map.of("repair", what, "workflow_id", ended.id()));
                        } else if (!what.equals("reseed")
                            && topology.sourceOf(instance).isPresent()) {
                          // attached and recorded, yet not replicating (a former primary that
                          // diverged): re-seed it now
                          active.remove(instance);
                          reseed(
                              instance,
                              what
                                  + " of "
                                  + instance
                                  + " failed ("
                                  + ended.error()
                                  + "); re-seeding it",
                              Instant.now());
                        }
                      });
            },
            e -> {
              active.remove(instance);
              log.warn("cannot start the {} of {}: {}", what, instance, e.getMessage());
            });
  }
}
