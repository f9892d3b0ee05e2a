package io.coffer.spi;

import java.util.Map;

/**
 * Outcome of a health probe, carried by every heartbeat.
 *
 * @param health whether the server answers
 * @param role the server's replication role
 * @param detail a short, operator-safe explanation (never a secret)
 * @param metrics key metrics by name, e.g. {@code connections}, {@code uptime_seconds}
 */
public record Probe(Health health, Role role, String detail, Map<String, Double> metrics) {

  public Probe {
    detail = detail == null ? "" : detail;
    metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
  }

  public static Probe unhealthy(String detail) {
    return new Probe(Health.UNHEALTHY, Role.UNKNOWN, detail, Map.of());
  }

  /** Server health as the probe sees it. */
  public enum Health {
    HEALTHY,
    UNHEALTHY
  }

  /** Replication role. */
  public enum Role {
    UNKNOWN,
    STANDALONE,
    PRIMARY,
    REPLICA
  }
}
