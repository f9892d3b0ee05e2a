package io.coffer.control.replication;

import java.time.Duration;

/**
 * How a replication group fails over on its own.
 *
 * @param enabled whether the control fails the group's primary over automatically (default on)
 * @param detectionWindow how long the primary may be silent (missed heartbeats) or report its
 *     datastore down before the control acts (default 6 s: 3 heartbeats of 2 s); 2 s to 10 min
 * @param maxLag a replica further behind than this when the primary was lost is not promoted
 *     automatically (like Patroni's maximum_lag_on_failover; default 10 s); 0 s to 1 h
 * @param lease how long the primary may take writes after its last heartbeat that the control
 *     answered; the agent fences its server when it runs out (default 4 s); 1 s to the detection
 *     window minus 1 s, so that the fence comes before the control may promote
 */
public record HaSettings(
    boolean enabled, Duration detectionWindow, Duration maxLag, Duration lease) {
  public static final HaSettings DEFAULTS =
      new HaSettings(true, Duration.ofSeconds(6), Duration.ofSeconds(10), Duration.ofSeconds(4));

  /** What the control waits beyond a lease's end before it promotes: clock rates and transit. */
  public static final Duration MARGIN = Duration.ofSeconds(1);

  /** The first problem with these settings, naming the field as the API does; empty when none. */
  public String problem() {
    if (detectionWindow.compareTo(Duration.ofSeconds(2)) < 0
        || detectionWindow.compareTo(Duration.ofMinutes(10)) > 0) {
      return "detection_window_millis: must be between 2000 and 600000";
    }
    if (maxLag.isNegative() || maxLag.compareTo(Duration.ofHours(1)) > 0) {
      return "max_lag_millis: must be between 0 and 3600000";
    }
    if (lease.compareTo(Duration.ofSeconds(1)) < 0
        || lease.plus(MARGIN).compareTo(detectionWindow) > 0) {
      return "lease_millis: must be between 1000 and the detection window minus 1000 ("
          + detectionWindow.minus(MARGIN).toMillis()
          + "), so that the primary fences itself before the control may promote";
    }
    return "";
  }
}
