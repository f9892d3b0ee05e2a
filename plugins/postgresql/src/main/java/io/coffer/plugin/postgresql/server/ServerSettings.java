package io.coffer.plugin.postgresql.server;

import io.coffer.plugin.kit.DurationSetting;
import io.coffer.plugin.kit.OsAccount;
import io.coffer.plugin.kit.ServerUser;
import io.coffer.plugin.postgresql.Tools;
import io.coffer.spi.DatastoreContext;
import io.coffer.spi.DatastoreException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 *   <li>{@code binDir}: the directory holding {@code postgres}, {@code initdb} and the client
 *       tools; default {@value #DEFAULT_BIN_DIR} (Debian's PostgreSQL 15). The wrappers in /usr/bin
 *       (Debian's pg_wrapper) are never used: they pick a version from cluster files.
 *   <li>{@code sharedBuffers}: <a
 *       href="https://www.postgresql.org/docs/15/runtime-config-resource.html#GUC-SHARED-BUFFERS">shared_buffers</a>,
 *       default {@code 128MB}.
 *   <li>{@code maxConnections}: <a
 *       href="https://www.postgresql.org/docs/15/runtime-config-connection.html#GUC-MAX-CONNECTIONS">max_connections</a>,
 *       default 100.
 *   <li>{@code archiveTimeout}: <a
 *       href="https://www.postgresql.org/docs/15/runtime-config-wal.html#GUC-ARCHIVE-TIMEOUT">archive_timeout</a>
 *       in seconds, 10 to 86400, default 300: the longest a commit waits before its WAL segment is
 *       completed and archived, i.e. how far a point-in-time restore may lag behind the present.
 * </ul>
 *
 * <p>The WAL spool ({@link #walSpoolDir()}), where the server's archiver leaves completed segments
 * for the agent, and the directory a point-in-time restore replays WAL from ({@link
 * #restoreWalDir()}) sit beside the data directory: a restore replaces the data directory's
 * contents, and a spooled segment must outlive that.
 *
 * @param serverUser the OS account PostgreSQL runs as when the agent is root; null when the agent
 *     is not root, and PostgreSQL then runs as the agent's own account
 * @param agentUser the agent's OS account name, which {@code pg_ident.conf} maps to the admin role
 */
public record ServerSettings(
    Path binDir,
    Path dataDir,
    Path runDir,
    String bindAddress,
    int port,
    ServerUser serverUser,
    String agentUser,
    String sharedBuffers,
    int maxConnections,
    Duration archiveTimeout) {

  public static final String BIN_DIR = "binDir";
  public static final String SHARED_BUFFERS = "sharedBuffers";
  public static final String MAX_CONNECTIONS = "maxConnections";
  public static final String ARCHIVE_TIMEOUT = "archiveTimeout";
  private static final int MIN_ARCHIVE_TIMEOUT = 10;
  private static final int MAX_ARCHIVE_TIMEOUT = 86_400;
  public static final String DEFAULT_BIN_DIR = "/usr/lib/postgresql/15/bin";
  private static final Set<String> KNOWN_SETTINGS =
      Set.of(BIN_DIR, SHARED_BUFFERS, MAX_CONNECTIONS, ARCHIVE_TIMEOUT);
  private static final Pattern SIZE = Pattern.compile("[1-9][0-9]{0,9}(kB|MB|GB)?");
  private static final Pattern COUNT = Pattern.compile("[1-9][0-9]{0,4}");
  // sun_path in struct sockaddr_un holds 108 bytes including the terminating NUL.
  private static final int MAX_SOCKET_PATH = 107;
  // What pg_ident.conf can hold unquoted, and what OS account names are made of.
  private static final Pattern OS_USER = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}");
  private static final String DEFAULT_OS_USER = "postgres";
  private static final List<String> REQUIRED_PROGRAMS = List.of("postgres", "initdb");

  /** The server's UNIX socket, which PostgreSQL names after its port. */
  public Path socket() {
    return socket(runDir, port);
  }

  private static Path socket(Path runDir, int port) {
    return runDir.resolve(".s.PGSQL." + port);
  }

  /** Written by the postmaster; its first line is the postmaster's pid. */
  public Path pidFile() {
    return dataDir.resolve("postmaster.pid");
  }

  /**
   * Completed WAL files waiting for the agent to archive them (basic_archive's archive_directory).
   */
  public Path walSpoolDir() {
    return dataDir.resolveSibling(dataDir.getFileName() + ".wal-spool");
  }

  /** Archived WAL a point-in-time restore replays (restore_command copies from here). */
  public Path restoreWalDir() {
    return dataDir.resolveSibling(dataDir.getFileName() + ".restore-wal");
  }

  public Path hbaFile() {
    return runDir.resolve("pg_hba.conf");
  }

  public Path identFile() {
    return runDir.resolve("pg_ident.conf");
  }

  /** The server's stderr, where it logs. */
  public Path outputLog() {
    return runDir.resolve("postgres.log");
  }

  public Path program(String name) {
    return binDir.resolve(name);
  }

  /** Whether the server runs as another OS account than the agent. */
  public boolean switchUser() {
    return serverUser != null;
  }

  /** {@code command} run as the server's OS account. */
  public List<String> asServerUser(List<String> command) {
    return serverUser == null ? command : serverUser.wrap(command);
  }

  /**
   * Validates the context.
   *
   * @throws DatastoreException INVALID_ARGUMENT naming the offending {@code datastore.*} field
   */
  public static ServerSettings from(DatastoreContext context, OsAccount agent) {
    Set<String> unknown = new TreeSet<>(context.settings().keySet());
    unknown.removeAll(KNOWN_SETTINGS);
    if (!unknown.isEmpty()) {
      String key = unknown.iterator().next();
      throw DatastoreException.invalidArgument(
          "datastore.settings." + key,
          "unknown setting; the postgresql plugin reads " + new TreeSet<>(KNOWN_SETTINGS));
    }
    if (context.port() < 1 || context.port() > 65535) {
      throw DatastoreException.invalidArgument("datastore.port", "must be between 1 and 65535");
    }
    String bind = context.bindAddress();
    // one address (listen_addresses takes a comma-separated list): a host name, an IP address or *
    if (bind.isBlank() || !bind.matches("[A-Za-z0-9.:*_-]+")) {
      throw DatastoreException.invalidArgument(
          "datastore.bindAddress", "must be one IP address, host name or '*'");
    }
    Path dataDir = context.dataDir().toAbsolutePath().normalize();
    Path runDir = context.runDir().toAbsolutePath().normalize();
    int socketBytes =
        socket(runDir, context.port()).toString().getBytes(StandardCharsets.UTF_8).length;
    if (socketBytes > MAX_SOCKET_PATH) {
      throw DatastoreException.invalidArgument(
          "datastore.runDir",
          "is too long for a UNIX socket path ("
              + socketBytes
              + " > "
              + MAX_SOCKET_PATH
              + " bytes)");
    }
    String sharedBuffers = context.setting(SHARED_BUFFERS, "128MB");
    if (!SIZE.matcher(sharedBuffers).matches()) {
      throw DatastoreException.invalidArgument(
          "datastore.settings." + SHARED_BUFFERS,
          "must be a size such as 16384 (8 kB pages), 131072kB, 128MB or 1GB");
    }
    String maxConnections = context.setting(MAX_CONNECTIONS, "100");
    if (!COUNT.matcher(maxConnections).matches()) {
      throw DatastoreException.invalidArgument(
          "datastore.settings." + MAX_CONNECTIONS, "must be a number from 1 to 99999");
    }
    Duration archiveTimeout =
        DurationSetting.seconds(
            context, ARCHIVE_TIMEOUT, 300, MIN_ARCHIVE_TIMEOUT, MAX_ARCHIVE_TIMEOUT);
    Path binDir = Path.of(context.setting(BIN_DIR, DEFAULT_BIN_DIR)).toAbsolutePath().normalize();
    for (String program : REQUIRED_PROGRAMS) {
      Path p = binDir.resolve(program);
      if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
        throw DatastoreException.invalidArgument(
            "datastore.settings." + BIN_DIR,
            "no executable "
                + program
                + " in "
                + binDir
                + "; install PostgreSQL (apt-get install postgresql) or set "
                + BIN_DIR);
      }
    }
    if (!OS_USER.matcher(agent.name()).matches()) {
      throw DatastoreException.internal(
          "the agent's OS account name '"
              + agent.name()
              + "' cannot be mapped to a PostgreSQL role in pg_ident.conf",
          null);
    }
    return new ServerSettings(
        binDir,
        dataDir,
        runDir,
        bind,
        context.port(),
        serverUser(context.osUser(), agent),
        agent.name(),
        sharedBuffers,
        Integer.parseInt(maxConnections),
        archiveTimeout);
  }

  private static ServerUser serverUser(String configured, OsAccount agent) {
    return ServerUser.forAgent(configured, agent, DEFAULT_OS_USER, "PostgreSQL", Tools.ENV);
  }
}
