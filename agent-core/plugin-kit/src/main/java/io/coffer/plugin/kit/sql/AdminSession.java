package io.coffer.plugin.kit.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One administrative connection, used by one caller at a time, opened lazily (to the engine's
 * default database) and reopened after a connection failure (e.g. after the runtime restarted the
 * server, or after the server closed it for idling).
 */
public final class AdminSession implements AutoCloseable {

  /** Work done on the session's connection. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private final Connector connector;
  private final boolean validateBeforeUse;
  private final SqlFailures failures;
  private final ReentrantLock lock = new ReentrantLock();
  private Connection connection;

  /**
   * @param validateBeforeUse ping an idle connection before use, so that the first command after a
   *     server restart does not fail; off for callers that treat any failure as the answer (probes)
   */
  public AdminSession(Connector connector, boolean validateBeforeUse, SqlFailures failures) {
    this.connector = connector;
    this.validateBeforeUse = validateBeforeUse;
    this.failures = failures;
  }

  /** Runs {@code work}; SQL errors propagate, a failed connection is dropped. */
  public <T> T call(Work<T> work) throws SQLException {
    lock.lock();
    try {
      return runOnce(work);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Like {@link #call}, but when a reused connection turns out to be dead (server restarted, or the
   * connection was killed or timed out) retries once on a fresh one. Only for work that is safe to
   * repeat, such as reads.
   */
  public <T> T callRetrying(Work<T> work) throws SQLException {
    lock.lock();
    try {
      boolean reused = connection != null;
      try {
        return runOnce(work);
      } catch (SQLException e) {
        if (reused && failures.isConnectionFailure(e)) {
          return runOnce(work);
        }
        throw e;
      }
    } finally {
      lock.unlock();
    }
  }

  private <T> T runOnce(Work<T> work) throws SQLException {
    Connection c = connection();
    try {
      return work.run(c);
    } catch (SQLException e) {
      if (failures.isConnectionFailure(e)) {
        discard();
      }
      throw e;
    }
  }

  /**
   * Runs {@code work}, translating SQL errors it does not handle itself with the engine's {@link
   * SqlFailures}.
   */
  public <T> T execute(String action, boolean carriesSecret, Work<T> work) {
    try {
      return call(work);
    } catch (SQLException e) {
      throw failures.translate(action, e, carriesSecret);
    }
  }

  /**
   * Runs {@code work} on a connection of its own to {@code database} (a name that passed validation
   * or came from the catalog), for per-database objects such as schemas and tables; the connection
   * is closed afterwards. SQL errors propagate.
   */
  public <T> T inDatabase(String database, Work<T> work) throws SQLException {
    try (Connection c = connector.connect(database)) {
      return work.run(c);
    }
  }

  private Connection connection() throws SQLException {
    if (connection != null && validateBeforeUse && !connection.isValid(2)) {
      discard();
    }
    if (connection == null) {
      connection = connector.connect(null);
    }
    return connection;
  }

  private void discard() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // Already broken; nothing to release.
      }
      connection = null;
    }
  }

  @Override
  public void close() {
    try {
      // A caller stuck on a hung server keeps the lock; its connection dies with the server.
      if (lock.tryLock(1, TimeUnit.SECONDS)) {
        try {
          discard();
        } finally {
          lock.unlock();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
