package io.coffer.plugin.cassandra.cql;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.auth.AuthenticationException;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.servererrors.AlreadyExistsException;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.datastax.oss.driver.api.core.servererrors.QueryExecutionException;
import com.datastax.oss.driver.api.core.servererrors.UnauthorizedException;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.Secret;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The agent's CQL session, logged in as a superuser role. It is opened on first use and opened
 * again after the server restarted (the driver's own reconnection backs off up to a minute, too
 * long for an administrative call right after a restart).
 *
 * <p>Statements are plain text: every identifier in them went through {@link CqlNames} and every
 * password is a bcrypt hash, so nothing a caller sent reaches CQL unquoted.
 */
public final class CqlAdmin implements AutoCloseable {
  /** Schema changes wait for the nodes to agree on the schema version; allow for it. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final InetSocketAddress address;
  private final String datacenter;
  private final String role;
  private final Supplier<Secret> password;
  private CqlSession session;

  /**
   * @param datacenter the node's datacenter (the driver's local datacenter)
   * @param role the role to log in as
   * @param password read when a session is opened
   */
  public CqlAdmin(
      InetSocketAddress address, String datacenter, String role, Supplier<Secret> password) {
    this.address = address;
    this.datacenter = datacenter;
    this.role = role;
    this.password = password;
  }

  /** Runs {@code cql}, mapping failures to {@link DatastoreException}s. */
  public ResultSet execute(String cql) {
    return execute(SimpleStatement.newInstance(cql));
  }

  /** Runs a statement with bound values. */
  public ResultSet execute(String cql, Object... values) {
    return execute(SimpleStatement.newInstance(cql, values));
  }

  public ResultSet execute(SimpleStatement statement) {
    CqlSession s = session();
    try {
      return s.execute(statement);
    } catch (AlreadyExistsException e) {
      throw DatastoreException.alreadyExists("name", e.getMessage());
    } catch (InvalidQueryException | UnauthorizedException e) {
      throw DatastoreException.failedPrecondition("Cassandra refused: " + e.getMessage());
    } catch (QueryExecutionException | DriverTimeoutException e) {
      // unavailable replicas, timeouts: the statement may have applied; the caller may retry
      throw DatastoreException.unavailable("Cassandra did not complete: " + e.getMessage(), e);
    } catch (AllNodesFailedException e) {
      reset();
      throw DatastoreException.unavailable("Cassandra is not answering: " + e.getMessage(), e);
    } catch (DriverException e) {
      reset();
      throw DatastoreException.internal("Cassandra driver: " + e.getMessage(), e);
    }
  }

  /**
   * Opens the session now, as a readiness check.
   *
   * @throws AuthenticationException when the server refuses the role or password
   * @throws AllNodesFailedException when it does not answer
   */
  public synchronized void connect() {
    session();
  }

  private synchronized CqlSession session() {
    if (session != null && !session.isClosed()) {
      return session;
    }
    session = open(address, datacenter, role, password.get(), CONNECT_TIMEOUT, REQUEST_TIMEOUT);
    return session;
  }

  /** Closes the session; the next call opens another. */
  public synchronized void reset() {
    if (session != null) {
      session.closeAsync();
      session = null;
    }
  }

  @Override
  public void close() {
    reset();
  }

  /**
   * A session for one role. The driver reads its defaults ({@code reference.conf}) through the
   * thread's context class loader, which on an agent thread is not the plugin's.
   */
  static CqlSession open(
      InetSocketAddress address,
      String datacenter,
      String role,
      Secret password,
      Duration connectTimeout,
      Duration requestTimeout) {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    ClassLoader plugin = CqlAdmin.class.getClassLoader();
    thread.setContextClassLoader(plugin);
    try {
      DriverConfigLoader config =
          DriverConfigLoader.programmaticBuilder()
              .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, requestTimeout)
              .withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, connectTimeout)
              .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, connectTimeout)
              .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, connectTimeout)
              .withDuration(
                  DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, requestTimeout)
              // the agent reads no table metadata; skip fetching the schema and token map
              .withBoolean(DefaultDriverOption.METADATA_SCHEMA_ENABLED, false)
              .withBoolean(DefaultDriverOption.METADATA_TOKEN_MAP_ENABLED, false)
              .withInt(DefaultDriverOption.CONNECTION_POOL_LOCAL_SIZE, 1)
              // each session has its own event loops; closing one waits 2 s of quiet by default,
              // which a readiness poll pays on every attempt
              .withInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0)
              .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 0)
              .build();
      return CqlSession.builder()
          .addContactPoint(address)
          .withLocalDatacenter(datacenter)
          .withAuthCredentials(role, password.reveal())
          .withConfigLoader(config)
          .withClassLoader(plugin)
          .build();
    } finally {
      thread.setContextClassLoader(previous);
    }
  }
}
