package io.coffer.control.ha;

import io.coffer.control.cluster.ClusterMembership;
import io.coffer.control.cluster.WholeClusterRecovery;
import io.coffer.control.registry.AgentRegistry;
import io.coffer.proto.v1.Health;
import io.coffer.proto.v1.InstanceState;
import io.coffer.proto.v1.InstanceStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recovers a Galera cluster whose every node stopped, without a person: for each cluster the
 * control formed ({@link ClusterMembership}), once every member's agent is connected and none has
 * been in a Primary component for {@link #WINDOW}, it starts the {@link WholeClusterRecovery}
 * workflow, once per outage. Called from the HA loop's thread.
 */
final class ClusterWatch {
  private static final Logger log = LoggerFactory.getLogger(ClusterWatch.class);

  /**
   * How long every member must be back with none in a Primary component. Longer than a failover's
   * window: when every node crashed, Galera restores the last Primary component by itself once all
   * are up again (pc.recovery, https://galeracluster.com/library/documentation/pc-recovery.html),
   * which this must not race; and longer than pc.wait_prim_timeout (30 s), after which a node that
   * found no Primary component gives up.
   */
  static final Duration WINDOW = Duration.ofSeconds(45);

  private final AgentRegistry registry;
  private final ClusterMembership membership;
  private final WholeClusterRecovery recovery;

  /**
   * Since when no member of each cluster has been in a Primary component, every agent connected.
   */
  private final Map<String, Instant> downSince = new HashMap<>();

  /** The recovery workflow started for each cluster's present outage. */
  private final Map<String, String> started = new HashMap<>();

  ClusterWatch(
      AgentRegistry registry, ClusterMembership membership, WholeClusterRecovery recovery) {
    this.registry = registry;
    this.membership = membership;
    this.recovery = recovery;
  }

  void tick(Instant now) {
    downSince.keySet().retainAll(membership.clusters().keySet());
    started.keySet().retainAll(membership.clusters().keySet());
    for (ClusterMembership.Cluster cluster : membership.clusters().values()) {
      if (!cluster.engine().equals("mysql") || cluster.members().size() < 2) {
        continue;
      }
      boolean anyPrimary =
          cluster.members().stream()
              .map(registry::status)
              .anyMatch(o -> o.map(ClusterWatch::inPrimary).orElse(false));
      boolean allConnected =
          cluster.members().stream()
              .map(registry::status)
              .allMatch(
                  o ->
                      o.map(s -> s.getState() == InstanceState.INSTANCE_STATE_CONNECTED)
                          .orElse(false));
      if (anyPrimary || !allConnected) {
        downSince.remove(cluster.id());
        if (anyPrimary) {
          started.remove(cluster.id());
        }
        continue;
      }
      Instant since = downSince.computeIfAbsent(cluster.id(), k -> now);
      if (Duration.between(since, now).compareTo(WINDOW) < 0 || started.containsKey(cluster.id())) {
        continue;
      }
      String member = cluster.members().get(0);
      String id = "recover-cluster-" + cluster.id() + "-" + since.getEpochSecond();
      started.put(cluster.id(), id);
      log.warn(
          "no member of the cluster {} is in a Primary component and every agent is back; recovering it",
          cluster.members());
      recovery
          .start(
              member,
              "every member stopped; no Primary component for " + WINDOW.toSeconds() + " s",
              id)
          .subscribe(
              w -> log.info("cluster recovery workflow {} of {}", w.id(), cluster.members()),
              e ->
                  log.error(
                      "cannot start the recovery of the cluster {}: {}",
                      cluster.members(),
                      e.getMessage()));
    }
  }

  /** A healthy Galera node in a Primary component, by its heartbeat. */
  private static boolean inPrimary(InstanceStatus s) {
    return s.getState() == InstanceState.INSTANCE_STATE_CONNECTED
        && s.getHealth() == Health.HEALTH_HEALTHY
        && s.getMetricsOrDefault("galera_primary", 0) == 1;
  }
}
