package io.coffer.plugin.redis.client;

import io.coffer.plugin.redis.server.AdminSecret;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.Secret;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The agent's connection to its server as {@value AdminSecret#ADMIN_USER}, through Lettuce. One
 * connection is opened lazily and shared (Lettuce connections are thread-safe); it reconnects by
 * itself after a server restart, and commands issued while it is down fail at once rather than
 * queue. A failed connection is dropped and opened afresh, with the current admin secret.
 */
public final class AdminClient implements AutoCloseable {
  /**
   * Redis answers admin commands in microseconds; a long wait means it is busy loading or saving.
   */
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  static {
    // Lettuce records JFR events by loading their classes by name, which from inside a plugin can
    // find another Lettuce copy (e.g. on a test classpath) and fail; the agent has no use for them.
    if (System.getProperty("io.lettuce.core.jfr") == null) {
      System.setProperty("io.lettuce.core.jfr", "false");
    }
  }

  private final String host;
  private final int port;
  private final String user;
  private final Supplier<Secret> password;
  private final Duration timeout;
  private final ClientResources resources;
  private RedisClient client;
  private StatefulRedisConnection<String, String> connection;

  /**
   * @param password read at every (re)connect, so a new admin secret is picked up
   */
  public AdminClient(String host, int port, Supplier<Secret> password) {
    this(host, port, AdminSecret.ADMIN_USER, password, COMMAND_TIMEOUT);
  }

  public AdminClient(String host, int port, Supplier<Secret> password, Duration timeout) {
    this(host, port, AdminSecret.ADMIN_USER, password, timeout);
  }

  /** A client of another server, e.g. a cluster node reached with the cluster account. */
  public AdminClient(
      String host, int port, String user, Supplier<Secret> password, Duration timeout) {
    this.host = host;
    this.port = port;
    this.user = user;
    this.password = password;
    this.timeout = timeout;
    // the plugin's own small event loop: the agent's threads stay the agent's
    this.resources =
        DefaultClientResources.builder().ioThreadPoolSize(1).computationThreadPoolSize(1).build();
  }

  /**
   * Runs {@code work}; Redis errors become DatastoreExceptions (connection failures UNAVAILABLE,
   * others INTERNAL with Redis' message unless {@code secretInCommand}).
   *
   * @param action what is being done, for the error message ("create user 'app'")
   */
  public <T> T call(
      String action, boolean secretInCommand, Function<RedisCommands<String, String>, T> work) {
    try {
      return work.apply(connection().sync());
    } catch (RedisConnectionException | RedisCommandTimeoutException e) {
      drop();
      throw DatastoreException.unavailable(
          "cannot " + action + ": Redis is not reachable: " + e.getMessage(), e);
    } catch (RedisCommandExecutionException e) {
      throw DatastoreException.internal(
          "cannot "
              + action
              + ": "
              + (secretInCommand ? "Redis refused the command" : "Redis said: " + e.getMessage()),
          secretInCommand ? null : e);
    } catch (RedisException e) {
      drop();
      throw DatastoreException.unavailable("cannot " + action + ": " + e.getMessage(), e);
    }
  }

  /** Like {@link #call} with no secret in the command. */
  public <T> T call(String action, Function<RedisCommands<String, String>, T> work) {
    return call(action, false, work);
  }

  private synchronized StatefulRedisConnection<String, String> connection() {
    if (connection != null && connection.isOpen()) {
      return connection;
    }
    drop();
    RedisURI uri =
        RedisURI.builder()
            .withHost(host)
            .withPort(port)
            .withAuthentication(user, password.get().reveal().toCharArray())
            .withTimeout(timeout)
            .withClientName("coffer-agent")
            .build();
    client = RedisClient.create(resources, uri);
    client.setOptions(
        ClientOptions.builder()
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).build())
            .build());
    connection = client.connect();
    return connection;
  }

  private synchronized void drop() {
    if (connection != null) {
      connection.closeAsync();
      connection = null;
    }
    if (client != null) {
      client.shutdownAsync(0, 1, TimeUnit.SECONDS);
      client = null;
    }
  }

  @Override
  public void close() {
    drop();
    resources.shutdown(0, 1, TimeUnit.SECONDS);
  }
}
