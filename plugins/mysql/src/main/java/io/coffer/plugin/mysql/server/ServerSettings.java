package io.coffer.plugin.mysql.server;

import io.coffer.plugin.kit.DurationSetting;
import io.coffer.plugin.kit.OsAccount;
import io.coffer.spi.DatastoreContext;
import io.coffer.spi.DatastoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * The plugin's validated configuration, derived from the {@link DatastoreContext}.
 *
 * <p>Settings ({@code datastore.settings}): {@code binDir} (directory holding {@code mariadbd} and
 * {@code mariadb-install-db}; default: search PATH, then /usr/sbin and /usr/bin) and {@code
 * innodbBufferPoolSize} (default {@code 128M}; see <a
 * href="https://mariadb.com/kb/en/innodb-system-variables/#innodb_buffer_pool_size">innodb_buffer_pool_size</a>),
 * {@code binlogArchiveInterval} and the Galera ports ({@link GaleraSettings}). Unknown keys are
 * rejected.
 *
 * @param switchUser whether to pass {@code --user} (only possible, and needed, when the agent is
 *     root; <a href="https://mariadb.com/kb/en/mariadbd-options/#-user">mariadbd --user</a>)
 * @param serverId the server's <a
 *     href="https://mariadb.com/kb/en/replication-and-binary-log-system-variables/#server_id">server_id</a>,
 *     derived from the instance id by {@link #serverId(String)}
 */
public record ServerSettings(
    Path mariadbd,
    Path installDb,
    Path dataDir,
    Path runDir,
    String bindAddress,
    int port,
    String osUser,
    boolean switchUser,
    String innodbBufferPoolSize,
    long serverId,
    Duration binlogArchiveInterval,
    GaleraSettings galera) {

  public static final String BIN_DIR = "binDir";
  public static final String INNODB_BUFFER_POOL_SIZE = "innodbBufferPoolSize";

  /**
   * {@code binlogArchiveInterval}: the longest a commit stays in the open binary log file before
   * the agent closes it (FLUSH BINARY LOGS) so that it is archived, in seconds, 10 to 86400,
   * default 300.
   */
  public static final String BINLOG_ARCHIVE_INTERVAL = "binlogArchiveInterval";

  private static final Set<String> KNOWN_SETTINGS = knownSettings();

  private static Set<String> knownSettings() {
    Set<String> keys =
        new HashSet<>(Set.of(BIN_DIR, INNODB_BUFFER_POOL_SIZE, BINLOG_ARCHIVE_INTERVAL));
    keys.addAll(GaleraSettings.KEYS);
    return Set.copyOf(keys);
  }

  private static final Pattern SIZE = Pattern.compile("[1-9][0-9]{0,12}[KMGkmg]?");
  // sun_path in struct sockaddr_un holds 108 bytes including the terminating NUL.
  private static final int MAX_SOCKET_PATH = 107;
  private static final List<Path> FALLBACK_BIN_DIRS =
      List.of(Path.of("/usr/sbin"), Path.of("/usr/bin"));
  private static final String DEFAULT_OS_USER = "mysql";

  /**
   * A server_id (1 to 2^32-1) that is the same every time for an instance, so it survives restarts
   * and restores without being stored anywhere: the CRC-32 of the instance id. Servers that
   * replicate from each other need different ids (GTIDs and binlog events carry them, and a server
   * ignores events with its own id); two instances collide with probability 2^-32, which for the
   * handful of servers of one replication topology is negligible. CRC-32 can be 0, which MariaDB
   * treats as "no id", so 0 becomes 1.
   */
  public static long serverId(String instanceId) {
    CRC32 crc = new CRC32();
    crc.update(instanceId.getBytes(StandardCharsets.UTF_8));
    return Math.max(1, crc.getValue());
  }

  public Path socket() {
    return runDir.resolve("mysqld.sock");
  }

  public Path pidFile() {
    return runDir.resolve("mysqld.pid");
  }

  public Path errorLog() {
    return runDir.resolve("mariadb.err");
  }

  public Path outputLog() {
    return runDir.resolve("mariadbd.out");
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
          "unknown setting; the mysql plugin reads " + new TreeSet<>(KNOWN_SETTINGS));
    }
    if (context.port() < 1 || context.port() > 65535) {
      throw DatastoreException.invalidArgument("datastore.port", "must be between 1 and 65535");
    }
    String bind = context.bindAddress();
    if (bind.isBlank() || !bind.matches("[A-Za-z0-9.:%_-]+")) {
      throw DatastoreException.invalidArgument(
          "datastore.bindAddress", "must be an IP address or host name");
    }
    Path dataDir = context.dataDir().toAbsolutePath().normalize();
    Path runDir = context.runDir().toAbsolutePath().normalize();
    int socketBytes =
        runDir.resolve("mysqld.sock").toString().getBytes(StandardCharsets.UTF_8).length;
    if (socketBytes > MAX_SOCKET_PATH) {
      throw DatastoreException.invalidArgument(
          "datastore.runDir",
          "is too long for a UNIX socket path ("
              + socketBytes
              + " > "
              + MAX_SOCKET_PATH
              + " bytes)");
    }
    String bufferPool = context.setting(INNODB_BUFFER_POOL_SIZE, "128M");
    if (!SIZE.matcher(bufferPool).matches()) {
      throw DatastoreException.invalidArgument(
          "datastore.settings." + INNODB_BUFFER_POOL_SIZE,
          "must be a size such as 134217728, 64M or 1G");
    }
    Optional<Path> binDir = Optional.ofNullable(context.settings().get(BIN_DIR)).map(Path::of);
    Path mariadbd = findBinary("mariadbd", binDir);
    Path installDb = findBinary("mariadb-install-db", binDir);
    String osUser = osUser(context.osUser(), agent);
    return new ServerSettings(
        mariadbd,
        installDb,
        dataDir,
        runDir,
        bind,
        context.port(),
        osUser,
        agent.root(),
        bufferPool,
        serverId(context.instanceId()),
        DurationSetting.seconds(context, BINLOG_ARCHIVE_INTERVAL, 300, 10, 86_400),
        GaleraSettings.from(context));
  }

  private static String osUser(String configured, OsAccount agent) {
    if (!agent.root()) {
      if (!configured.isEmpty() && !configured.equals(agent.name())) {
        throw DatastoreException.invalidArgument(
            "datastore.osUser",
            "the agent runs as '"
                + agent.name()
                + "' and cannot start MariaDB as '"
                + configured
                + "'; leave it empty or run the agent as root");
      }
      return agent.name();
    }
    String user = configured.isEmpty() ? DEFAULT_OS_USER : configured;
    try {
      FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(user);
    } catch (UserPrincipalNotFoundException e) {
      throw DatastoreException.invalidArgument(
          "datastore.osUser", "no OS account named '" + user + "'");
    } catch (IOException e) {
      throw DatastoreException.internal(
          "cannot look up OS account '" + user + "': " + e.getMessage(), e);
    }
    return user;
  }

  private static Path findBinary(String name, Optional<Path> binDir) {
    String field = "datastore.settings." + BIN_DIR;
    if (binDir.isPresent()) {
      Path candidate = binDir.get().resolve(name);
      if (!Files.isRegularFile(candidate) || !Files.isExecutable(candidate)) {
        throw DatastoreException.invalidArgument(
            field, "no executable " + name + " in " + binDir.get());
      }
      return candidate;
    }
    List<Path> dirs = new ArrayList<>();
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty()) {
        dirs.add(Path.of(dir));
      }
    }
    dirs.addAll(FALLBACK_BIN_DIRS);
    return dirs.stream()
        .map(dir -> dir.resolve(name))
        .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
        .findFirst()
        .orElseThrow(
            () ->
                DatastoreException.invalidArgument(
                    field,
                    name
                        + " not found on PATH, in /usr/sbin or /usr/bin; install MariaDB or set "
                        + BIN_DIR));
  }
}
