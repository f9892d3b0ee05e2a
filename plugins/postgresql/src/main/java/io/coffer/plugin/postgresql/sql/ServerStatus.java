package io.coffer.plugin.postgresql.sql;

import io.coffer.spi.Probe;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

/**
 * Readiness, health and version checks, each on a fresh connection and bounded in time, so that a
 * long administrative command never delays a heartbeat, and no idle session of the agent's ever
 * holds up a smart shutdown. Over the UNIX socket with peer authentication a connection costs a
 * few milliseconds.
 *
 * <p>Role: a server in recovery (<a href="https://www.postgresql.org/docs/15/functions-admin.html#FUNCTIONS-RECOVERY-INFO-TABLE">pg_is_in_recovery()</a>)
 * is a REPLICA; one with WAL senders attached
 * (<a href="https://www.postgresql.org/docs/15/monitoring-stats.html#MONITORING-PG-STAT-REPLICATION-VIEW">pg_stat_replication</a>)
 * is a PRIMARY; otherwise STANDALONE. Metrics: client {@code connections}
 * (<a href="https://www.postgresql.org/docs/15/monitoring-stats.html#MONITORING-PG-STAT-ACTIVITY-VIEW">pg_stat_activity</a>)
 * and {@code uptime_seconds} since {@code pg_postmaster_start_time()}.
 */
public final class ServerStatus implements AutoCloseable {

  private static final Duration PROBE_LIMIT = Duration.ofSeconds(1);
  private static final String PROBE_SQL = "SELECT pg_is_in_recovery(),"
      + " (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'),"
      + " extract(epoch FROM now() - pg_postmaster_start_time()),"
      + " (SELECT count(*) FROM pg_stat_replication)";

  private final SocketConnector connector;
  private final TimeBox timeBox = new TimeBox("coffer-postgresql-status");

  public ServerStatus(SocketConnector connector) {
    this.connector = connector;
  }

  /** Throws unless the server accepts a connection and answers {@code SELECT 1} within {@code limit}. */
  public void ping(Duration limit) throws Exception {
    timeBox.call(() -> {
      try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
        rs.next();
        return null;
      }
    }, limit);
  }

  /** Never throws. */
  public Probe probe() {
    try {
      return timeBox.call(() -> {
        try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(PROBE_SQL)) {
          rs.next();
          Probe.Role role = rs.getBoolean(1) ? Probe.Role.REPLICA
              : rs.getLong(4) > 0 ? Probe.Role.PRIMARY : Probe.Role.STANDALONE;
          return new Probe(Probe.Health.HEALTHY, role, "",
              Map.of("connections", (double) rs.getLong(2), "uptime_seconds", Math.floor(rs.getDouble(3))));
        }
      }, PROBE_LIMIT);
    } catch (Exception e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return Probe.unhealthy("PostgreSQL is not answering: " + why);
    }
  }

  /** {@code SHOW server_version} (e.g. "15.18 (Debian 15.18-0+deb12u1)"), or empty when the server does not answer. */
  public String version() {
    try {
      return timeBox.call(() -> {
        try (Connection c = connect(); Statement st = c.createStatement();
            ResultSet rs = st.executeQuery("SHOW server_version")) {
          return rs.next() ? rs.getString(1) : "";
        }
      }, Duration.ofSeconds(5));
    } catch (Exception e) {
      return "";
    }
  }

  private Connection connect() throws SQLException {
    return connector.connect(AdminSession.MAINTENANCE_DATABASE);
  }

  @Override
  public void close() {
    timeBox.close();
  }
}
