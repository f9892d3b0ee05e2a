package io.coffer.plugin.mysql.sql;

import io.coffer.plugin.kit.sql.SqlFailures;
import io.coffer.spi.DatastoreException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

/**
 * MariaDB error codes the plugin maps to specific outcomes (<a
 * href="https://mariadb.com/kb/en/mariadb-error-code-reference/">error code reference</a>), and the
 * fallback mapping for all others.
 */
public final class SqlErrors {

  public static final int ER_DB_CREATE_EXISTS = 1007;
  public static final int ER_DB_DROP_EXISTS = 1008;
  public static final int ER_PASSWORD_NO_MATCH = 1133;
  public static final int ER_NONEXISTING_GRANT = 1141;
  public static final int ER_CANNOT_USER = 1396;

  /** These rules, for the plugin-kit's {@code AdminSession}. */
  public static final SqlFailures FAILURES =
      new SqlFailures() {
        @Override
        public boolean isConnectionFailure(SQLException e) {
          return SqlErrors.isConnectionFailure(e);
        }

        @Override
        public DatastoreException translate(
            String action, SQLException e, boolean statementHadSecret) {
          return SqlErrors.translate(action, e, statementHadSecret);
        }
      };

  private SqlErrors() {}

  /** Whether the connection itself failed (the server is down, restarting or unreachable). */
  public static boolean isConnectionFailure(SQLException e) {
    String state = e.getSQLState();
    return e instanceof SQLNonTransientConnectionException
        || e instanceof SQLTransientConnectionException
        || (state != null && state.startsWith("08"));
  }

  /**
   * UNAVAILABLE for connection failures, INTERNAL otherwise. When the statement carried a secret,
   * the server's message is left out: some messages quote the statement text.
   */
  public static DatastoreException translate(
      String action, SQLException e, boolean statementHadSecret) {
    if (isConnectionFailure(e)) {
      return DatastoreException.unavailable(
          "cannot " + action + ": MariaDB is not reachable: " + e.getMessage(), e);
    }
    String detail = "MariaDB error " + e.getErrorCode() + " (SQLSTATE " + e.getSQLState() + ")";
    if (statementHadSecret) {
      // Drop the cause too: its message may quote the statement, and causes end up in logs.
      return DatastoreException.internal("cannot " + action + ": " + detail, null);
    }
    return DatastoreException.internal(
        "cannot " + action + ": " + detail + ": " + e.getMessage(), e);
  }
}
