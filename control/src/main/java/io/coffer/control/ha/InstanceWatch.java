package io.coffer.control.ha;

import io.coffer.control.events.EventKind;
import io.coffer.control.events.Events;
import io.coffer.control.registry.AgentRegistry;
import io.coffer.proto.v1.Health;
import io.coffer.proto.v1.InstanceState;
import io.coffer.proto.v1.InstanceStatus;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Turns what the registry knows of each instance into events when it changes: unreachable and
 * reachable again (the agent's stream and heartbeats), datastore down and up (the health its agent
 * reports while connected), and a replica's lag going over its group's threshold. An instance's
 * first sight in this control sets what it is compared with and publishes nothing. Called from the
 * HA loop's thread only.
 */
final class InstanceWatch {
  private record Seen(InstanceState state, Health health, boolean lagging) {}

  private final AgentRegistry registry;
  private final Events events;
  private final ToDoubleFunction<String> lagThresholdSeconds;
  private final Map<String, Seen> seen = new HashMap<>();

  /**
   * @param lagThresholdSeconds the lag above which a replica's lag is reported, by instance
   */
  InstanceWatch(
      AgentRegistry registry, Events events, ToDoubleFunction<String> lagThresholdSeconds) {
    this.registry = registry;
    this.events = events;
    this.lagThresholdSeconds = lagThresholdSeconds;
  }

  void tick() {
    for (InstanceStatus s : registry.list()) {
      String id = s.getInstanceId();
      double lag = s.getMetricsOrDefault("replication_lag_seconds", -1);
      boolean lagging =
          s.getState() == InstanceState.INSTANCE_STATE_CONNECTED
              && lag > lagThresholdSeconds.applyAsDouble(id);
      Seen now = new Seen(s.getState(), s.getHealth(), lagging);
      Seen before = seen.put(id, now);
      if (before == null) {
        continue;
      }
      if (before.state() != now.state()) {
        if (now.state() == InstanceState.INSTANCE_STATE_UNREACHABLE) {
          events.publish(
              EventKind.INSTANCE_UNREACHABLE,
              id,
              "the agent of " + id + " stopped answering",
              Map.of("last_heartbeat", String.valueOf(s.getLastHeartbeat().getSeconds())));
        } else {
          events.publish(
              EventKind.INSTANCE_REACHABLE,
              id,
              "the agent of " + id + " is connected again",
              Map.of());
        }
      }
      if (now.state() == InstanceState.INSTANCE_STATE_CONNECTED
          && before.health() != now.health()) {
        if (down(now.health()) && !down(before.health())) {
          Map<String, String> details = new HashMap<>();
          details.put(
              "health", now.health().name().substring("HEALTH_".length()).toLowerCase(Locale.ROOT));
          details.put("detail", s.getDetail());
          events.publish(
              EventKind.DATASTORE_DOWN,
              id,
              "the datastore of " + id + " is down: " + s.getDetail(),
              details);
        } else if (now.health() == Health.HEALTH_HEALTHY && down(before.health())) {
          events.publish(
              EventKind.DATASTORE_UP, id, "the datastore of " + id + " answers again", Map.of());
        }
      }
      if (lagging && !before.lagging()) {
        events.publish(
            EventKind.REPLICA_LAG_OVER_THRESHOLD,
            id,
            "replica " + id + " is " + lag + " s behind its source",
            Map.of(
                "lag_seconds",
                Double.toString(lag),
                "threshold_seconds",
                Double.toString(lagThresholdSeconds.applyAsDouble(id))));
      }
    }
  }

  private static boolean down(Health h) {
    return h == Health.HEALTH_STOPPED || h == Health.HEALTH_UNHEALTHY;
  }
}
