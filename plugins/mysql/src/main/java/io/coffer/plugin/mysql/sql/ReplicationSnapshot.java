package io.coffer.plugin.mysql.sql;

import io.coffer.spi.Probe;
import io.coffer.spi.replication.ReplicationStatus;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where this server stands in replication, read with two cheap statements so that heartbeats can
 * carry it: <a href="https://mariadb.com/kb/en/show-replica-status/">SHOW SLAVE STATUS</a> (the
 * default connection, the only one Coffer configures; no row means no source is configured) and the
 * GTID variables ({@code gtid_slave_pos}: applied from a source; {@code gtid_binlog_pos}: committed
 * to the binary log), {@code read_only} and the number of connected replicas (their {@code Binlog
 * Dump} threads).
 *
 * <p>Role: REPLICA when a source is configured; otherwise PRIMARY when at least one replica is
 * connected, STANDALONE when none is (a primary whose replicas are all disconnected reads as
 * STANDALONE until one reconnects).
 *
 * @param replica the link to the source, empty when none is configured
 * @param appliedPosition {@code @@gtid_slave_pos}
 * @param binlogPosition {@code @@gtid_binlog_pos}
 */
public record ReplicationSnapshot(
    Optional<ReplicaLink> replica,
    String appliedPosition,
    String binlogPosition,
    boolean readOnly,
    int replicasConnected) {

  static final int MAX_ERROR = 512;
  private static final String VARIABLES_SQL =
      "SELECT @@GLOBAL.gtid_slave_pos, @@GLOBAL.gtid_binlog_pos,"
          + " @@GLOBAL.read_only, (SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE COMMAND = 'Binlog Dump')";

  /**
   * One row of SHOW SLAVE STATUS.
   *
   * @param ioState {@code Slave_IO_Running}: Yes, No or Connecting
   * @param sqlState {@code Slave_SQL_Running}: Yes or No
   * @param secondsBehind {@code Seconds_Behind_Master}, or -1 when the server shows NULL (a thread
   *     is not running)
   * @param receivedPosition {@code Gtid_IO_Pos}: the last transaction received
   * @param ioError {@code Last_IO_Error}, operator-safe
   * @param sqlError {@code Last_SQL_Error}, operator-safe
   */
  public record ReplicaLink(
      String sourceHost,
      int sourcePort,
      String user,
      String ioState,
      String sqlState,
      long secondsBehind,
      String receivedPosition,
      String ioError,
      String sqlError) {

    /** Both threads run: the receiver ({@code IO}) and the applier ({@code SQL}). */
    public boolean running() {
      return receiving() && applying();
    }

    public boolean receiving() {
      return "Yes".equalsIgnoreCase(ioState);
    }

    public boolean applying() {
      return "Yes".equalsIgnoreCase(sqlState);
    }

    /**
     * The error of a thread that is not running, SQL first (it is the one that loses data); or "".
     */
    public String lastError() {
      if (!applying() && !sqlError.isEmpty()) {
        return sqlError;
      }
      return receiving() ? "" : ioError;
    }
  }

  /** Whether a source is configured (SHOW SLAVE STATUS has a row). */
  public static boolean replicating(Connection c) throws SQLException {
    return readLink(c).isPresent();
  }

  /** The configured source, if any: SHOW SLAVE STATUS. */
  public static Optional<ReplicaLink> readLink(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SHOW SLAVE STATUS")) {
      if (!rs.next()) {
        return Optional.empty();
      }
      String behind = rs.getString("Seconds_Behind_Master");
      return Optional.of(
          new ReplicaLink(
              text(rs, "Master_Host"),
              rs.getInt("Master_Port"),
              text(rs, "Master_User"),
              text(rs, "Slave_IO_Running"),
              text(rs, "Slave_SQL_Running"),
              behind == null ? -1 : Long.parseLong(behind),
              text(rs, "Gtid_IO_Pos"),
              operatorSafe(text(rs, "Last_IO_Error")),
              operatorSafe(text(rs, "Last_SQL_Error"))));
    }
  }

  public static ReplicationSnapshot read(Connection c) throws SQLException {
    Optional<ReplicaLink> link = readLink(c);
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(VARIABLES_SQL)) {
      rs.next();
      return new ReplicationSnapshot(
          link,
          nullToEmpty(rs.getString(1)),
          nullToEmpty(rs.getString(2)),
          rs.getInt(3) != 0,
          rs.getInt(4));
    }
  }

  public Probe.Role role() {
    if (replica.isPresent()) {
      return Probe.Role.REPLICA;
    }
    return replicasConnected > 0 ? Probe.Role.PRIMARY : Probe.Role.STANDALONE;
  }

  /** The SPI's view: a replica's position is what it applied, a primary's what it committed. */
  public ReplicationStatus toStatus() {
    return replica
        .map(
            r ->
                new ReplicationStatus(
                    Probe.Role.REPLICA,
                    r.sourceHost(),
                    r.sourcePort(),
                    r.running(),
                    r.secondsBehind() < 0 ? -1 : r.secondsBehind(),
                    appliedPosition,
                    readOnly,
                    r.lastError(),
                    r.receiving()))
        .orElseGet(
            () ->
                new ReplicationStatus(
                    role(), "", 0, false, -1, binlogPosition, readOnly, "", false));
  }

  /**
   * What a heartbeat should tell an operator, or "": why a replica does not replicate (the
   * replication thread's error when it stopped on one), or that a source is fenced.
   */
  public String problem() {
    if (replica.isEmpty()) {
      return readOnly ? "read-only (fenced)" : "";
    }
    ReplicaLink r = replica.get();
    if (r.running()) {
      return "";
    }
    String error = r.lastError();
    if (!r.applying() && !r.sqlError().isEmpty()) {
      return "replication stopped on an error: " + error;
    }
    return error.isEmpty()
        ? "replication is not running (IO " + r.ioState() + ", SQL " + r.sqlState() + ")"
        : "replication is not running: " + error;
  }

  /**
   * Heartbeat metrics: {@code replicas_connected} always; on a replica also {@code
   * replication_running} (1 or 0) and, when known, {@code replication_lag_seconds}.
   */
  public Map<String, Double> metrics() {
    Map<String, Double> out = new HashMap<>();
    out.put("replicas_connected", (double) replicasConnected);
    replica.ifPresent(
        r -> {
          out.put("replication_running", r.running() ? 1.0 : 0.0);
          if (r.secondsBehind() >= 0) {
            out.put("replication_lag_seconds", (double) r.secondsBehind());
          }
        });
    return out;
  }

  /**
   * A replication error as an operator may see it: one line, at most {@value #MAX_ERROR}
   * characters, and without the statement text the server appends to SQL errors ({@code ... Query:
   * '...'}), which may hold a password (CREATE USER / ALTER USER are replicated as written).
   */
  public static String operatorSafe(String error) {
    String e = error.replaceAll("\\s+", " ").strip();
    int query = e.indexOf("Query: '");
    if (query >= 0) {
      e = e.substring(0, query).strip() + " (statement not shown)";
    }
    return e.length() > MAX_ERROR ? e.substring(0, MAX_ERROR - 3) + "..." : e;
  }

  private static String text(ResultSet rs, String column) throws SQLException {
    return nullToEmpty(rs.getString(column));
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
