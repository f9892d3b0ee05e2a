package io.coffer.plugin.kit.sql;

import io.coffer.spi.DatastoreException;
import java.sql.SQLException;

/**
 * How an engine's SQL errors read: which mean the connection failed, and what to answer for the
 * others.
 */
public interface SqlFailures {

  /** Whether the connection itself failed (the server is down, restarting or unreachable). */
  boolean isConnectionFailure(SQLException e);

  /**
   * UNAVAILABLE for connection failures, INTERNAL otherwise; when the statement carried a secret,
   * without the server's message (some quote the statement text).
   */
  DatastoreException translate(String action, SQLException e, boolean statementHadSecret);
}
