package io.coffer.plugin.redis.server;

import io.coffer.plugin.kit.OsAccount;
import io.coffer.plugin.kit.ServerUser;
import io.coffer.plugin.redis.Tools;
import io.coffer.spi.DatastoreContext;
import io.coffer.spi.DatastoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The plugin's validated configuration, derived from the {@link DatastoreContext}.
 *
 * <p>Settings ({@code datastore.settings}), all optional; unknown keys are rejected:
 *
 * <ul>
 *   <li>{@code serverProgram}: the {@code redis-server} program; default {@value #DEFAULT_PROGRAM}
 *       (Debian's Redis 7.0).
 *   <li>{@code cliProgram}: the {@code redis-cli} program, which forms clusters; default {@value
 *       #DEFAULT_CLI}.
 *   <li>{@code cluster}: {@code true} to run as a Redis Cluster node ({@code cluster-enabled yes};
 *       the cluster bus listens on the port + 10000, so the port must be at most 55535); default
 *       {@code false}. A cluster node has database 0 only and no REPLICAOF replication: its
 *       replicas come with the cluster.
 * </ul>
 *
 * <p>Files: the data directory holds the RDB snapshot ({@code dump.rdb}), the AOF directory, the
 * server's configuration file ({@code redis.conf}, which {@code CONFIG REWRITE} keeps) and the ACL
 * file ({@code users.acl}, which {@code ACL SAVE} keeps); the run directory holds the pid file, the
 * server's log and the admin secret.
 *
 * @param serverUser the OS account Redis runs as when the agent is root ({@code redis} by default);
 *     null when the agent is not root and Redis runs as the agent's own account
 */
public record RedisSettings(
    Path program,
    Path cli,
    Path dataDir,
    Path runDir,
    String bindAddress,
    int port,
    ServerUser serverUser,
    boolean cluster) {

  public static final String SERVER_PROGRAM = "serverProgram";
  public static final String DEFAULT_PROGRAM = "/usr/bin/redis-server";
  public static final String CLI_PROGRAM = "cliProgram";
  public static final String DEFAULT_CLI = "/usr/bin/redis-cli";
  public static final String CLUSTER = "cluster";

  /** The cluster bus port is the client port + 10000. */
  static final int MAX_CLUSTER_PORT = 65535 - 10000;

  private static final Set<String> KNOWN_SETTINGS = Set.of(SERVER_PROGRAM, CLI_PROGRAM, CLUSTER);
  private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9.:_-]+|\\*");
  private static final String DEFAULT_OS_USER = "redis";

  public Path configFile() {
    return dataDir.resolve("redis.conf");
  }

  public Path aclFile() {
    return dataDir.resolve("users.acl");
  }

  public Path rdbFile() {
    return dataDir.resolve("dump.rdb");
  }

  /** Redis 7's multi-part AOF directory ({@code appenddirname}). */
  public Path aofDir() {
    return dataDir.resolve("appendonlydir");
  }

  /** The cluster state file Redis keeps ({@code cluster-config-file}). */
  public Path nodesFile() {
    return dataDir.resolve("nodes.conf");
  }

  public Path pidFile() {
    return runDir.resolve("redis.pid");
  }

  public Path outputLog() {
    return runDir.resolve("redis.log");
  }

  public Path adminSecret() {
    return runDir.resolve("admin.secret");
  }

  /**
   * Where the agent reaches the server: the bind address, or loopback when it binds every address.
   */
  public String adminHost() {
    return bindAddress.equals("*") || bindAddress.equals("0.0.0.0") || bindAddress.equals("::")
        ? "127.0.0.1"
        : bindAddress;
  }

  /** {@code command} run as the server's OS account. */
  public List<String> asServerUser(List<String> command) {
    return serverUser == null ? command : serverUser.wrap(command);
  }

  /**
   * @throws DatastoreException INVALID_ARGUMENT naming the offending {@code datastore.*} field
   */
  public static RedisSettings from(DatastoreContext context, OsAccount agent) {
    Set<String> unknown = new TreeSet<>(context.settings().keySet());
    unknown.removeAll(KNOWN_SETTINGS);
    if (!unknown.isEmpty()) {
      throw DatastoreException.invalidArgument(
          "datastore.settings." + unknown.iterator().next(),
          "unknown setting; the redis plugin reads " + new TreeSet<>(KNOWN_SETTINGS));
    }
    if (context.port() < 1 || context.port() > 65535) {
      throw DatastoreException.invalidArgument("datastore.port", "must be between 1 and 65535");
    }
    String bind = context.bindAddress();
    if (!ADDRESS.matcher(bind).matches()) {
      throw DatastoreException.invalidArgument(
          "datastore.bindAddress", "must be one IP address, host name or '*'");
    }
    Path program =
        Path.of(context.setting(SERVER_PROGRAM, DEFAULT_PROGRAM)).toAbsolutePath().normalize();
    if (!Files.isRegularFile(program) || !Files.isExecutable(program)) {
      throw DatastoreException.invalidArgument(
          "datastore.settings." + SERVER_PROGRAM,
          "no executable "
              + program
              + "; install Redis (apt-get install redis-server) or set "
              + SERVER_PROGRAM);
    }
    Path cli = Path.of(context.setting(CLI_PROGRAM, DEFAULT_CLI)).toAbsolutePath().normalize();
    String cluster = context.setting(CLUSTER, "false");
    if (!cluster.equals("true") && !cluster.equals("false")) {
      throw DatastoreException.invalidArgument(
          "datastore.settings." + CLUSTER, "must be true or false");
    }
    boolean clustered = Boolean.parseBoolean(cluster);
    if (clustered && context.port() > MAX_CLUSTER_PORT) {
      throw DatastoreException.invalidArgument(
          "datastore.port",
          "must be at most "
              + MAX_CLUSTER_PORT
              + " for a cluster node (its cluster bus listens on the port + 10000)");
    }
    return new RedisSettings(
        program,
        cli,
        context.dataDir().toAbsolutePath().normalize(),
        context.runDir().toAbsolutePath().normalize(),
        bind,
        context.port(),
        serverUser(context.osUser(), agent),
        clustered);
  }

  private static ServerUser serverUser(String configured, OsAccount agent) {
    return ServerUser.forAgent(configured, agent, DEFAULT_OS_USER, "Redis", Tools.ENV);
  }
}
