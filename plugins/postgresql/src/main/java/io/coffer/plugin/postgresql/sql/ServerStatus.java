package io.coffer.plugin.postgresql.sql;

import io.coffer.plugin.kit.TimeBox;
import io.coffer.spi.Probe;
import io.coffer.spi.replication.ReplicationStatus;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Readiness, health and version checks, each on a fresh connection and bounded in time, so that a
 * long administrative command never delays a heartbeat, and no idle session of the agent's ever
 * holds up a smart shutdown. Over the UNIX socket with peer authentication a connection costs a few
 * milliseconds.
 *
 * <p>Role: a server in recovery (<a
 * href="https://www.postgresql.org/docs/15/functions-admin.html#FUNCTIONS-RECOVERY-INFO-TABLE">pg_is_in_recovery()</a>)
 * is a REPLICA; one with WAL senders attached (<a
 * href="https://www.postgresql.org/docs/15/monitoring-stats.html#MONITORING-PG-STAT-REPLICATION-VIEW">pg_stat_replication</a>)
 * is a PRIMARY; otherwise STANDALONE. Metrics: client {@code connections} (<a
 * href="https://www.postgresql.org/docs/15/monitoring-stats.html#MONITORING-PG-STAT-ACTIVITY-VIEW">pg_stat_activity</a>)
 * and {@code uptime_seconds} since {@code pg_postmaster_start_time()}; {@code replicas_connected}
 * (WAL senders); on a standby {@code replication_running} (1 while its WAL receiver streams, else
 * 0) and {@code replication_lag_seconds} (0 when it replayed all it received, else the age of the
 * last transaction replayed), the names the MySQL plugin uses too.
 */
public final class ServerStatus implements AutoCloseable {

  private static final Duration PROBE_LIMIT = Duration.ofSeconds(1);

  /**
   * A standby's lag in seconds: 0 when it replayed all it received, else the age of its last
   * replayed transaction.
   */
  private static final String LAG_SQL =
      "CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
          + " ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END";

  private static final String PROBE_SQL =
      "SELECT pg_is_in_recovery(),"
          + " (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'),"
          + " extract(epoch FROM now() - pg_postmaster_start_time()),"
          + " (SELECT count(*) FROM pg_stat_replication),"
          + " (SELECT status FROM pg_stat_wal_receiver),"
          + " "
          + LAG_SQL;

  private final SocketConnector connector;
  private final TimeBox timeBox = new TimeBox("coffer-postgresql-status");

  public ServerStatus(SocketConnector connector) {
    this.connector = connector;
  }

  /**
   * Throws unless the server accepts a connection and answers {@code SELECT 1} within {@code
   * limit}.
   */
  public void ping(Duration limit) throws Exception {
    timeBox.call(
        () -> {
          try (Connection c = connect();
              Statement st = c.createStatement();
              ResultSet rs = st.executeQuery("SELECT 1")) {
            rs.next();
            return null;
          }
        },
        limit);
  }

  /** Never throws. */
  public Probe probe() {
    try {
      return timeBox.call(
          () -> {
            try (Connection c = connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(PROBE_SQL)) {
              rs.next();
              Probe.Role role =
                  rs.getBoolean(1)
                      ? Probe.Role.REPLICA
                      : rs.getLong(4) > 0 ? Probe.Role.PRIMARY : Probe.Role.STANDALONE;
              Map<String, Double> metrics = new HashMap<>();
              metrics.put("connections", (double) rs.getLong(2));
              metrics.put("uptime_seconds", Math.floor(rs.getDouble(3)));
              metrics.put("replicas_connected", (double) rs.getLong(4));
              if (role == Probe.Role.REPLICA) {
                metrics.put("replication_running", "streaming".equals(rs.getString(5)) ? 1.0 : 0.0);
                if (rs.getObject(6) != null) {
                  metrics.put("replication_lag_seconds", Math.max(0, rs.getDouble(6)));
                }
              }
              return new Probe(Probe.Health.HEALTHY, role, "", metrics);
            }
          },
          PROBE_LIMIT);
    } catch (Exception e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return Probe.unhealthy("PostgreSQL is not answering: " + why);
    }
  }

  /**
   * {@code SHOW server_version} (e.g. "15.18 (Debian 15.18-0+deb12u1)"), or empty when the server
   * does not answer.
   */
  public String version() {
    try {
      return timeBox.call(
          () -> {
            try (Connection c = connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SHOW server_version")) {
              return rs.next() ? rs.getString(1) : "";
            }
          },
          Duration.ofSeconds(5));
    } catch (Exception e) {
      return "";
    }
  }

  /**
   * Where the server stands in replication, from one query (<a
   * href="https://www.postgresql.org/docs/15/functions-admin.html#FUNCTIONS-RECOVERY-INFO-TABLE">recovery
   * information functions</a>, <a
   * href="https://www.postgresql.org/docs/15/monitoring-stats.html#MONITORING-PG-STAT-WAL-RECEIVER-VIEW">pg_stat_wal_receiver</a>):
   * the position is the last WAL received or replayed, whichever is further (standby: a promote
   * replays all it received first, so that is what a failover compares), or written (primary); the
   * lag is zero when everything received was replayed, otherwise the age of the last transaction
   * replayed. Never throws: when the server does not answer in time, the role is UNKNOWN and {@code
   * lastError} says why.
   */
  public ReplicationStatus replication() {
    try {
      return timeBox.call(
          () -> {
            try (Connection c = connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(REPLICATION_SQL)) {
              rs.next();
              boolean standby = rs.getBoolean(1);
              String position = rs.getString(2);
              String receiver = rs.getString(3);
              String host = rs.getString(4);
              int port = rs.getInt(5);
              double lag = rs.getObject(6) == null ? -1 : Math.max(0, rs.getDouble(6));
              boolean conninfo = rs.getBoolean(7);
              Probe.Role role =
                  standby
                      ? Probe.Role.REPLICA
                      : rs.getLong(8) > 0 ? Probe.Role.PRIMARY : Probe.Role.STANDALONE;
              boolean streaming = "streaming".equals(receiver);
              String error =
                  standby && conninfo && !streaming
                      ? "not streaming from its source (WAL receiver: "
                          + (receiver == null ? "not running" : receiver)
                          + "); see the server log"
                      : "";
              return new ReplicationStatus(
                  role,
                  standby && host != null ? host : "",
                  standby && host != null ? port : 0,
                  streaming,
                  standby ? lag : 0,
                  position,
                  standby,
                  error,
                  standby && streaming);
            }
          },
          PROBE_LIMIT);
    } catch (Exception e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return new ReplicationStatus(
          Probe.Role.UNKNOWN,
          "",
          0,
          false,
          -1,
          "",
          false,
          "PostgreSQL is not answering: " + why,
          false);
    }
  }

  private static final String REPLICATION_SQL =
      "SELECT pg_is_in_recovery(),"
          + " (CASE WHEN pg_is_in_recovery() THEN greatest(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())"
          + " ELSE pg_current_wal_lsn() END)::text,"
          + " (SELECT status FROM pg_stat_wal_receiver),"
          // the source a standby follows: the WAL receiver's, or while it does not stream, the one
          // its
          // primary_conninfo names (written by SourceConnection as "host=H port=P ...")
          + " coalesce((SELECT sender_host FROM pg_stat_wal_receiver),"
          + " substring(current_setting('primary_conninfo') from 'host=([^ ]+)')),"
          + " coalesce((SELECT sender_port FROM pg_stat_wal_receiver),"
          + " substring(current_setting('primary_conninfo') from 'port=([0-9]+)')::int),"
          + " "
          + LAG_SQL
          + ","
          + " current_setting('primary_conninfo') <> '',"
          + " (SELECT count(*) FROM pg_stat_replication)";

  private Connection connect() throws SQLException {
    return connector.connect(SocketConnector.MAINTENANCE_DATABASE);
  }

  @Override
  public void close() {
    timeBox.close();
  }
}
