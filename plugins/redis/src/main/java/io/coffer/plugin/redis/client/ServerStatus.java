package io.coffer.plugin.redis.client;

import io.coffer.spi.Probe;
import java.util.HashMap;
import java.util.Map;

/**
 * Health, role and metrics from one {@code INFO} call, on a connection with a one-second timeout.
 */
public final class ServerStatus {
  private final AdminClient probe;

  /**
   * @param probe a client whose commands time out within a second
   */
  public ServerStatus(AdminClient probe) {
    this.probe = probe;
  }

  public Info info() {
    return Info.parse(probe.call("read INFO", c -> c.info()));
  }

  public Probe probe() {
    Info info;
    try {
      info = info();
    } catch (RuntimeException e) {
      return Probe.unhealthy("Redis does not answer: " + e.getMessage());
    }
    if (info.number("loading", 0) == 1) {
      return Probe.unhealthy("Redis is loading its dataset");
    }
    Map<String, Double> metrics = new HashMap<>();
    metrics.put("connections", (double) info.number("connected_clients", 0));
    metrics.put("uptime_seconds", (double) info.number("uptime_in_seconds", 0));
    metrics.put("used_memory_bytes", (double) info.number("used_memory", 0));
    // INFO replication: where this node stands in its source's stream, in bytes
    long offset = info.number("slave_repl_offset", info.number("master_repl_offset", -1));
    if (offset >= 0) {
      metrics.put("replication_offset_bytes", (double) offset);
    }
    long replicas = info.number("connected_slaves", 0);
    metrics.put("replicas_connected", (double) replicas);
    Probe.Role role;
    if ("slave".equals(info.get("role"))) {
      role = Probe.Role.REPLICA;
      boolean up = "up".equals(info.get("master_link_status"));
      metrics.put("replication_running", up ? 1.0 : 0.0);
      long lastIo = info.number("master_last_io_seconds_ago", -1);
      if (up && lastIo >= 0) {
        metrics.put("replication_lag_seconds", (double) lastIo);
      }
    } else {
      role = replicas > 0 ? Probe.Role.PRIMARY : Probe.Role.STANDALONE;
    }
    return new Probe(Probe.Health.HEALTHY, role, "redis " + info.get("redis_version"), metrics);
  }

  public String version() {
    try {
      return info().get("redis_version");
    } catch (RuntimeException e) {
      return "";
    }
  }
}
