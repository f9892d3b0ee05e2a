package io.coffer.plugin.mysql.sql;

import io.coffer.plugin.kit.TimeBox;
import io.coffer.plugin.kit.sql.AdminSession;
import io.coffer.spi.Probe;
import io.coffer.spi.replication.ReplicationStatus;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Readiness, health, replication and version checks on a dedicated connection, each bounded in
 * time, so that a long administrative command never delays a heartbeat. Metrics come from <a
 * href="https://mariadb.com/kb/en/server-status-variables/">status variables</a> {@code
 * Threads_connected} and {@code Uptime}; the role, the replication metrics and, when a replica does
 * not replicate, the reason (its replication error) from {@link ReplicationSnapshot}.
 */
public final class ServerStatus implements AutoCloseable {

  private static final Duration PROBE_LIMIT = Duration.ofSeconds(1);
  private static final String METRICS_SQL =
      "SHOW GLOBAL STATUS WHERE Variable_name IN ('Threads_connected', 'Uptime')";

  private final AdminSession session;
  private final TimeBox timeBox = new TimeBox("coffer-mysql-status");

  public ServerStatus(SocketConnector connector) {
    // No validation ping: the check itself is the ping; a dead connection is replaced and retried
    // once.
    this.session = new AdminSession(connector, false, SqlErrors.FAILURES);
  }

  /** Throws unless {@code SELECT 1} answers within {@code limit}. */
  public void ping(Duration limit) throws Exception {
    timeBox.call(
        () ->
            session.callRetrying(
                c -> {
                  selectOne(c);
                  return null;
                }),
        limit);
  }

  /** Never throws. */
  public Probe probe() {
    try {
      return timeBox.call(
          () ->
              session.callRetrying(
                  c -> {
                    selectOne(c);
                    Map<String, Double> metrics = metrics(c);
                    ReplicationSnapshot replication = ReplicationSnapshot.read(c);
                    metrics.putAll(replication.metrics());
                    Map<String, String> wsrep = wsrep(c);
                    metrics.putAll(galeraMetrics(wsrep));
                    String problem =
                        replication.problem().isEmpty()
                            ? galeraProblem(wsrep)
                            : replication.problem();
                    return new Probe(Probe.Health.HEALTHY, replication.role(), problem, metrics);
                  }),
          PROBE_LIMIT);
    } catch (Exception e) {
      return Probe.unhealthy("MariaDB is not answering: " + why(e));
    }
  }

  /**
   * Where the server stands in replication. Never throws: when the server does not answer within
   * the probe's limit, the role is UNKNOWN and {@code lastError} says why.
   */
  public ReplicationStatus replication() {
    try {
      return timeBox
          .call(() -> session.callRetrying(ReplicationSnapshot::read), PROBE_LIMIT)
          .toStatus();
    } catch (Exception e) {
      return new ReplicationStatus(
          Probe.Role.UNKNOWN,
          "",
          0,
          false,
          -1,
          "",
          false,
          "MariaDB is not answering: " + why(e),
          false);
    }
  }

  /**
   * The {@code wsrep_*} status variables (<a
   * href="https://mariadb.com/kb/en/galera-cluster-status-variables/">Galera status variables</a>),
   * empty when the server runs without a provider. Never throws: empty too when the server does not
   * answer within the probe's limit.
   */
  public Map<String, String> wsrep() {
    try {
      return timeBox.call(() -> session.callRetrying(ServerStatus::wsrep), PROBE_LIMIT);
    } catch (Exception e) {
      return Map.of();
    }
  }

  private static Map<String, String> wsrep(Connection c) throws SQLException {
    Map<String, String> out = new HashMap<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SHOW GLOBAL STATUS LIKE 'wsrep\\_%'")) {
      while (rs.next()) {
        out.put(rs.getString(1).toLowerCase(Locale.ROOT), rs.getString(2));
      }
    }
    // without a provider loaded (wsrep off) the variables exist but say nothing
    return out.getOrDefault("wsrep_provider_name", "").isEmpty() ? Map.of() : out;
  }

  /**
   * {@code galera_cluster_size} (wsrep_cluster_size), {@code galera_primary} (1 when
   * wsrep_cluster_status is Primary), {@code galera_local_state} (wsrep_local_state: 1 joining, 2
   * donor, 3 joined, 4 synced) and {@code galera_flow_control_paused} (the fraction of time
   * replication was paused by flow control since the last FLUSH STATUS).
   */
  private static Map<String, Double> galeraMetrics(Map<String, String> wsrep) {
    if (wsrep.isEmpty()) {
      return Map.of();
    }
    Map<String, Double> out = new HashMap<>();
    number(wsrep, "wsrep_cluster_size").ifPresent(v -> out.put("galera_cluster_size", v));
    number(wsrep, "wsrep_local_state").ifPresent(v -> out.put("galera_local_state", v));
    number(wsrep, "wsrep_flow_control_paused")
        .ifPresent(v -> out.put("galera_flow_control_paused", v));
    out.put("galera_primary", "Primary".equals(wsrep.get("wsrep_cluster_status")) ? 1.0 : 0.0);
    return out;
  }

  private static String galeraProblem(Map<String, String> wsrep) {
    if (wsrep.isEmpty()) {
      return "";
    }
    if (!"Primary".equals(wsrep.get("wsrep_cluster_status"))) {
      return "galera: " + wsrep.get("wsrep_cluster_status") + " (no quorum)";
    }
    String state = wsrep.getOrDefault("wsrep_local_state_comment", "");
    return state.equals("Synced") ? "" : "galera: " + state;
  }

  private static Optional<Double> number(Map<String, String> m, String key) {
    try {
      return Optional.of(Double.parseDouble(m.getOrDefault(key, "")));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static String why(Exception e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** {@code SELECT VERSION()}, or empty when the server does not answer. */
  public String version() {
    try {
      return timeBox.call(
          () ->
              session.callRetrying(
                  c -> {
                    try (Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("SELECT VERSION()")) {
                      return rs.next() ? rs.getString(1) : "";
                    }
                  }),
          Duration.ofSeconds(5));
    } catch (Exception e) {
      return "";
    }
  }

  private static void selectOne(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.setQueryTimeout((int) PROBE_LIMIT.toSeconds());
      try (ResultSet rs = st.executeQuery("SELECT 1")) {
        rs.next();
      }
    }
  }

  private static Map<String, Double> metrics(Connection c) throws SQLException {
    Map<String, Double> out = new HashMap<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(METRICS_SQL)) {
      while (rs.next()) {
        String name = rs.getString(1).equalsIgnoreCase("Uptime") ? "uptime_seconds" : "connections";
        out.put(name, Double.parseDouble(rs.getString(2)));
      }
    }
    return out;
  }

  @Override
  public void close() {
    timeBox.close();
    session.close();
  }
}
