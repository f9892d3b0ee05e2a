package io.coffer.plugin.postgresql.sql;

import io.coffer.plugin.kit.sql.SqlFailures;
import io.coffer.spi.DatastoreException;
import java.io.IOException;
import java.sql.SQLException;
import java.util.Set;
import org.postgresql.util.PSQLException;

/**
 * PostgreSQL error codes (SQLSTATEs) the plugin maps to specific outcomes (<a
 * href="https://www.postgresql.org/docs/15/errcodes-appendix.html">PostgreSQL Error Codes</a>), and
 * the fallback mapping for all others.
 */
public final class SqlErrors {

  public static final String DUPLICATE_DATABASE = "42P04";
  public static final String DUPLICATE_OBJECT = "42710";
  public static final String UNDEFINED_OBJECT = "42704";
  public static final String INVALID_CATALOG_NAME = "3D000";
  public static final String INVALID_SCHEMA_NAME = "3F000";
  public static final String INVALID_PARAMETER_VALUE = "22023";

  /** What PostgreSQL 15 answers CREATE DATABASE for a locale name libc does not know. */
  public static final String WRONG_OBJECT_TYPE = "42809";

  /** The server is shutting down, crashed or still starting: connect again later. */
  private static final Set<String> SERVER_GOING_AWAY = Set.of("57P01", "57P02", "57P03");

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
    return (state != null && (state.startsWith("08") || SERVER_GOING_AWAY.contains(state)))
        || e.getCause() instanceof IOException;
  }

  /** CREATE DATABASE refused the locale: unknown, or not fitting the encoding. */
  public static boolean isBadLocale(SQLException e) {
    return INVALID_PARAMETER_VALUE.equals(e.getSQLState())
        || WRONG_OBJECT_TYPE.equals(e.getSQLState());
  }

  /**
   * The server's own message (e.g. "invalid locale name: ..."), without the driver's decorations.
   */
  public static String serverMessage(SQLException e) {
    if (e instanceof PSQLException p
        && p.getServerErrorMessage() != null
        && p.getServerErrorMessage().getMessage() != null) {
      return p.getServerErrorMessage().getMessage();
    }
    return e.getMessage();
  }

  /**
   * UNAVAILABLE for connection failures, INTERNAL otherwise. When the statement carried a secret
   * (even a SCRAM verifier, which is not the password), the server's message is left out: some
   * messages quote the statement text.
   */
  public static DatastoreException translate(
      String action, SQLException e, boolean statementHadSecret) {
    if (isConnectionFailure(e)) {
      return DatastoreException.unavailable(
          "cannot " + action + ": PostgreSQL is not reachable: " + e.getMessage(), e);
    }
    String detail = "PostgreSQL error " + e.getSQLState();
    if (statementHadSecret) {
      // Drop the cause too: its message may quote the statement, and causes end up in logs.
      return DatastoreException.internal("cannot " + action + ": " + detail, null);
    }
    return DatastoreException.internal(
        "cannot " + action + ": " + detail + ": " + e.getMessage(), e);
  }
}
