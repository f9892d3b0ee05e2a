package io.coffer.plugin.cassandra.server;

import io.coffer.plugin.cassandra.Tools;
import io.coffer.plugin.kit.OsAccount;
import io.coffer.plugin.kit.ServerUser;
import io.coffer.spi.DatastoreContext;
import io.coffer.spi.DatastoreException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The plugin's validated configuration, derived from the {@link DatastoreContext}.
 *
 * <p>Cassandra runs the same way from Apache's Debian package (jars in {@code /usr/share/cassandra}
 * and {@code /usr/share/cassandra/lib}) and from any other directory of its jars (Maven Central's
 * {@code cassandra-all} and its dependencies, as the tests use): the plugin renders {@code
 * cassandra.yaml} and the JVM options itself and starts {@code java} directly, never the package's
 * shell scripts.
 *
 * <p>Settings ({@code datastore.settings}), all optional; unknown keys are rejected:
 *
 * <ul>
 *   <li>{@code libDirs}: directories of Cassandra's jars, separated by {@code :}; default {@value
 *       #DEFAULT_LIB_DIRS}. One must hold the server's jar ({@code apache-cassandra-*.jar} or
 *       {@code cassandra-all-*.jar}) and one jamm ({@code jamm-*.jar}, loaded as a Java agent).
 *   <li>{@code javaHome}: the Java 11 or 17 runtime Cassandra runs on; default the agent's own.
 *   <li>{@code clusterName}: {@code cluster_name}; default {@value #DEFAULT_CLUSTER_NAME}.
 *   <li>{@code datacenter}, {@code rack}: this node's place for {@code
 *       GossipingPropertyFileSnitch}; default {@value #DEFAULT_DATACENTER} and {@value
 *       #DEFAULT_RACK}.
 *   <li>{@code seeds}: {@code host:port} of the seed nodes, comma-separated; default this node.
 *   <li>{@code storagePort}: internode port ({@code storage_port}); default {@value
 *       #DEFAULT_STORAGE_PORT}.
 *   <li>{@code jmxPort}: the JMX port, bound to loopback only; default {@value #DEFAULT_JMX_PORT}.
 *   <li>{@code heapSize}: the JVM heap, e.g. {@code 512M} or {@code 4G}; default as Cassandra's
 *       {@code cassandra-env.sh} computes it: max(min(RAM/2, 1G), min(RAM/4, 8G)).
 *   <li>{@code numTokens}: {@code num_tokens}; default {@value #DEFAULT_NUM_TOKENS}.
 *   <li>{@code incrementalBackups}: {@code true} turns on Cassandra's {@code incremental_backups}
 *       (every flushed SSTable is also hard-linked under the table's {@code backups/}) and offers
 *       INCREMENTAL backups on a full one; default {@code false}. The links are removed once a
 *       later backup covers them, so with this on, schedule incremental backups: without them the
 *       links keep SSTables on disk that compaction has replaced.
 *   <li>{@code fastStart}: {@code true} shortens the waits Cassandra makes for a multi-node ring
 *       (gossip settling, ring delay, the default superuser's setup delay) for a single node or a
 *       test; default {@code false}.
 * </ul>
 *
 * <p>Files: the data directory holds Cassandra's data, commit log, saved caches, hints and CDC
 * directories and the admin secret; the run directory holds the rendered configuration ({@code
 * conf/}), the server's output and its logs.
 *
 * @param serverUser the OS account Cassandra runs as when the agent is root ({@code cassandra} by
 *     default, as Apache's package creates it); null when the agent is not root
 * @param listenAddress the address other nodes reach this one at ({@code listen_address}): the
 *     advertise address
 * @param heapMegabytes the JVM heap in MiB
 */
public record CassandraSettings(
    Path java,
    List<Path> libDirs,
    Path jamm,
    Path dataDir,
    Path runDir,
    String bindAddress,
    String listenAddress,
    int port,
    int storagePort,
    int jmxPort,
    String clusterName,
    String datacenter,
    String rack,
    List<String> seeds,
    int heapMegabytes,
    int numTokens,
    boolean fastStart,
    boolean incrementalBackups,
    ServerUser serverUser) {

  public static final String LIB_DIRS = "libDirs";
  public static final String DEFAULT_LIB_DIRS = "/usr/share/cassandra:/usr/share/cassandra/lib";
  public static final String JAVA_HOME = "javaHome";
  public static final String CLUSTER_NAME = "clusterName";
  public static final String DEFAULT_CLUSTER_NAME = "coffer";
  public static final String DATACENTER = "datacenter";
  public static final String DEFAULT_DATACENTER = "dc1";
  public static final String RACK = "rack";
  public static final String DEFAULT_RACK = "rack1";
  public static final String SEEDS = "seeds";
  public static final String STORAGE_PORT = "storagePort";
  public static final int DEFAULT_STORAGE_PORT = 7000;
  public static final String JMX_PORT = "jmxPort";
  public static final int DEFAULT_JMX_PORT = 7199;
  public static final String HEAP_SIZE = "heapSize";
  public static final String NUM_TOKENS = "numTokens";
  public static final int DEFAULT_NUM_TOKENS = 16;
  public static final String FAST_START = "fastStart";
  public static final String INCREMENTAL_BACKUPS = "incrementalBackups";

  private static final Set<String> KNOWN_SETTINGS =
      Set.of(
          LIB_DIRS,
          JAVA_HOME,
          CLUSTER_NAME,
          DATACENTER,
          RACK,
          SEEDS,
          STORAGE_PORT,
          JMX_PORT,
          HEAP_SIZE,
          NUM_TOKENS,
          FAST_START,
          INCREMENTAL_BACKUPS);
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:_-]+");
  private static final Pattern SEED = Pattern.compile("[A-Za-z0-9._-]+:\\d{1,5}");

  /** Cluster, datacenter and rack names: printable, no quotes or separators. */
  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private static final Pattern HEAP = Pattern.compile("(\\d{1,6})([MmGg])");
  private static final String DEFAULT_OS_USER = "cassandra";
  private static final Pattern SERVER_JAR =
      Pattern.compile("(apache-cassandra|cassandra-all)-\\d[^/]*\\.jar");
  private static final Pattern JAMM_JAR = Pattern.compile("jamm-\\d[^/]*\\.jar");

  public Path confDir() {
    return runDir.resolve("conf");
  }

  public Path configFile() {
    return confDir().resolve("cassandra.yaml");
  }

  public Path rackDcFile() {
    return confDir().resolve("cassandra-rackdc.properties");
  }

  public Path logbackFile() {
    return confDir().resolve("logback.xml");
  }

  public Path logDir() {
    return runDir.resolve("logs");
  }

  public Path outputLog() {
    return runDir.resolve("cassandra.out");
  }

  public Path pidFile() {
    return runDir.resolve("cassandra.pid");
  }

  /** The admin role's password; it lives with the data, as the role does. */
  public Path adminSecret() {
    return dataDir.resolve("coffer-admin.secret");
  }

  /** The parameters a user set ({@code coffer config set}); see the config package. */
  public Path parametersFile() {
    return dataDir.resolve("coffer-parameters.json");
  }

  /** Where Cassandra keeps SSTables ({@code data_file_directories}). */
  public Path sstableDir() {
    return dataDir.resolve("data");
  }

  public Path commitLogDir() {
    return dataDir.resolve("commitlog");
  }

  public Path savedCachesDir() {
    return dataDir.resolve("saved_caches");
  }

  public Path hintsDir() {
    return dataDir.resolve("hints");
  }

  public Path cdcRawDir() {
    return dataDir.resolve("cdc_raw");
  }

  /** Where the agent reaches the native protocol: the bind address, or loopback for any. */
  public String clientHost() {
    return bindAddress.equals("0.0.0.0") || bindAddress.equals("::") || bindAddress.equals("*")
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
  public static CassandraSettings from(DatastoreContext context, OsAccount agent) {
    Set<String> unknown = new TreeSet<>(context.settings().keySet());
    unknown.removeAll(KNOWN_SETTINGS);
    if (!unknown.isEmpty()) {
      throw invalid(
          unknown.iterator().next(),
          "unknown setting; the cassandra plugin reads " + new TreeSet<>(KNOWN_SETTINGS));
    }
    int port = port(context.port(), "datastore.port");
    String bind = context.bindAddress();
    if (!HOST.matcher(bind).matches() && !bind.equals("*")) {
      throw DatastoreException.invalidArgument(
          "datastore.bindAddress", "must be one IP address or host name");
    }
    String listen = context.advertiseAddress();
    if (listen.equals("*") || listen.equals("0.0.0.0") || listen.equals("::")) {
      throw DatastoreException.invalidArgument(
          "datastore.advertiseAddress",
          "must be the address other nodes reach this one at (Cassandra's listen_address)");
    }
    if (!HOST.matcher(listen).matches()) {
      throw DatastoreException.invalidArgument(
          "datastore.advertiseAddress", "must be one IP address or host name");
    }
    int storagePort = intSetting(context, STORAGE_PORT, DEFAULT_STORAGE_PORT, 1, 65535);
    int jmxPort = intSetting(context, JMX_PORT, DEFAULT_JMX_PORT, 1, 65535);
    if (storagePort == port || jmxPort == port || jmxPort == storagePort) {
      throw invalid(
          STORAGE_PORT + "/" + JMX_PORT,
          "the native, storage and JMX ports must differ ("
              + port
              + ", "
              + storagePort
              + ", "
              + jmxPort
              + ")");
    }
    List<Path> libDirs = libDirs(context.setting(LIB_DIRS, DEFAULT_LIB_DIRS));
    Path jamm =
        findJar(libDirs, JAMM_JAR)
            .orElseThrow(() -> invalid(LIB_DIRS, "no jamm-*.jar in " + libDirs));
    if (findJar(libDirs, SERVER_JAR).isEmpty()) {
      throw invalid(
          LIB_DIRS,
          "no Cassandra server jar (apache-cassandra-*.jar or cassandra-all-*.jar) in "
              + libDirs
              + "; install Cassandra (https://cassandra.apache.org/doc/latest/cassandra/"
              + "installing/installing.html) or set "
              + LIB_DIRS);
    }
    Path javaHome =
        Path.of(context.setting(JAVA_HOME, System.getProperty("java.home")))
            .toAbsolutePath()
            .normalize();
    Path java = javaHome.resolve("bin").resolve("java");
    if (!Files.isExecutable(java)) {
      throw invalid(JAVA_HOME, "no executable " + java);
    }
    String dc = label(context, DATACENTER, DEFAULT_DATACENTER);
    List<String> seeds = seeds(context.setting(SEEDS, listen + ":" + storagePort));
    boolean fast = bool(context, FAST_START);
    boolean incremental = bool(context, INCREMENTAL_BACKUPS);
    return new CassandraSettings(
        java,
        libDirs,
        jamm,
        context.dataDir().toAbsolutePath().normalize(),
        context.runDir().toAbsolutePath().normalize(),
        bind.equals("*") ? "0.0.0.0" : bind,
        listen,
        port,
        storagePort,
        jmxPort,
        label(context, CLUSTER_NAME, DEFAULT_CLUSTER_NAME),
        dc,
        label(context, RACK, DEFAULT_RACK),
        seeds,
        heap(context.settings().get(HEAP_SIZE)),
        intSetting(context, NUM_TOKENS, DEFAULT_NUM_TOKENS, 1, 1536),
        fast,
        incremental,
        serverUser(context.osUser(), agent));
  }

  private static List<Path> libDirs(String value) {
    List<Path> dirs = new ArrayList<>();
    for (String part : value.split(":")) {
      if (part.isBlank()) {
        continue;
      }
      Path dir = Path.of(part).toAbsolutePath().normalize();
      if (Files.isDirectory(dir)) {
        dirs.add(dir);
      }
    }
    if (dirs.isEmpty()) {
      throw invalid(
          LIB_DIRS, "none of " + value + " is a directory; install Cassandra or set " + LIB_DIRS);
    }
    return List.copyOf(dirs);
  }

  private static Optional<Path> findJar(List<Path> dirs, Pattern name) {
    for (Path dir : dirs) {
      try (Stream<Path> files = Files.list(dir)) {
        Optional<Path> jar =
            files
                .filter(f -> name.matcher(f.getFileName().toString()).matches())
                .sorted()
                .findFirst();
        if (jar.isPresent()) {
          return jar;
        }
      } catch (IOException e) {
        throw invalid(LIB_DIRS, "cannot list " + dir + ": " + e.getMessage());
      }
    }
    return Optional.empty();
  }

  private static List<String> seeds(String value) {
    List<String> out = new ArrayList<>();
    for (String s : value.split(",")) {
      String seed = s.trim();
      if (!SEED.matcher(seed).matches()) {
        throw invalid(SEEDS, "'" + seed + "' is not host:port (seeds are comma-separated)");
      }
      port(Integer.parseInt(seed.substring(seed.lastIndexOf(':') + 1)), "datastore.settings.seeds");
      out.add(seed);
    }
    return List.copyOf(out);
  }

  /** cassandra-env.sh: max(min(RAM/2, 1 GiB), min(RAM/4, 8 GiB)) unless set. */
  static int heap(String value) {
    if (value == null) {
      long ram = physicalMemoryMegabytes();
      return (int) Math.max(Math.min(ram / 2, 1024), Math.min(ram / 4, 8192));
    }
    var m = HEAP.matcher(value);
    if (!m.matches()) {
      throw invalid(HEAP_SIZE, "must be a size in M or G, e.g. 512M or 4G");
    }
    long mb = Long.parseLong(m.group(1)) * (m.group(2).equalsIgnoreCase("G") ? 1024 : 1);
    if (mb < 256 || mb > 64 * 1024) {
      throw invalid(HEAP_SIZE, "must be between 256M and 64G");
    }
    return (int) mb;
  }

  private static long physicalMemoryMegabytes() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize() / (1024 * 1024);
    }
    return 4096;
  }

  private static String label(DatastoreContext context, String key, String fallback) {
    String value = context.setting(key, fallback);
    if (!LABEL.matcher(value).matches()) {
      throw invalid(key, "must be 1 to 64 letters, digits, '_', '.' or '-'");
    }
    return value;
  }

  private static boolean bool(DatastoreContext context, String key) {
    String value = context.setting(key, "false");
    if (!value.equals("true") && !value.equals("false")) {
      throw invalid(key, "must be true or false");
    }
    return Boolean.parseBoolean(value);
  }

  private static int intSetting(
      DatastoreContext context, String key, int fallback, int min, int max) {
    String value = context.settings().get(key);
    if (value == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(key, "must be a whole number between " + min + " and " + max);
  }

  private static int port(int port, String field) {
    if (port < 1 || port > 65535) {
      throw DatastoreException.invalidArgument(field, "must be between 1 and 65535");
    }
    return port;
  }

  private static DatastoreException invalid(String key, String message) {
    return DatastoreException.invalidArgument("datastore.settings." + key, message);
  }

  private static ServerUser serverUser(String configured, OsAccount agent) {
    return ServerUser.forAgent(configured, agent, DEFAULT_OS_USER, "Cassandra", Tools.ENV);
  }
}
