package io.coffer.tck.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.Row;
import io.coffer.agent.config.AgentConfig;
import io.coffer.plugin.kit.testing.Prerequisites;
import io.coffer.tck.BackupData;
import io.coffer.tck.ConfigurationSamples;
import io.coffer.tck.DataPlane;
import io.coffer.tck.DatastoreProvider;
import io.coffer.tck.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs the TCK against a real Apache Cassandra 5.0 that the agent's Cassandra plugin starts and
 * supervises. The server's jars come from Maven Central, laid out by the {@code cassandra-server}
 * module; the server runs as the {@code cassandra} OS account (Apache's package creates it; {@code
 * bin/prerequisites tests} does here), so the jars are copied once to a directory that account can
 * read.
 */
public final class CassandraProvider implements DatastoreProvider {
  private static Path sharedLib;

  private final Path lib;

  private CassandraProvider(Path lib) {
    this.lib = lib;
  }

  /** Skips (with the reason) when the jars or the OS account are missing. */
  public static CassandraProvider requireCassandra() {
    Path built =
        Path.of(
            System.getProperty("coffer.cassandra.lib", "../cassandra-server/target/cassandra/lib"));
    Prerequisites.require(
        Files.isDirectory(built),
        "Cassandra's jars are not laid out in "
            + built
            + " (./mvnw install builds conformance-tests/cassandra-server)");
    Prerequisites.require(
        accountExists("cassandra"),
        "no 'cassandra' OS account (bin/prerequisites tests creates it)");
    return new CassandraProvider(readableCopy(built));
  }

  private static boolean accountExists(String name) {
    try (Stream<String> lines = Files.lines(Path.of("/etc/passwd"))) {
      return lines.anyMatch(l -> l.startsWith(name + ":"));
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The jars, in a temporary directory every account can read (a clone's target directory may sit
   * under a private home); one copy per test JVM, removed when it exits.
   */
  private static synchronized Path readableCopy(Path built) {
    if (sharedLib != null) {
      return sharedLib;
    }
    try {
      Path dir =
          Files.createTempDirectory(
              "coffer-cassandra-lib",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
      try (Stream<Path> jars = Files.list(built)) {
        for (Path jar : (Iterable<Path>) jars::iterator) {
          Path copy = dir.resolve(jar.getFileName());
          Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING);
          Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
        }
      }
      sharedLib = dir;
      // the servers are stopped by the suites' beds before the JVM ends; then the copy goes too
      Runtime.getRuntime()
          .addShutdownHook(new Thread(() -> deleteTree(dir), "coffer-cassandra-lib-cleanup"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort at exit
    }
  }

  @Override
  public String engine() {
    return "cassandra";
  }

  @Override
  public Path pluginsDir() {
    return Path.of(System.getProperty("coffer.plugins.dir", "target/plugins"));
  }

  @Override
  public AgentConfig.Datastore datastore(Path workDir, int port) {
    return new AgentConfig.Datastore(
        "cassandra",
        workDir.resolve("data"),
        workDir.resolve("run"),
        "127.0.0.1",
        port,
        "",
        Map.of(
            "libDirs",
            lib.toString(),
            "storagePort",
            Integer.toString(Ports.freeForLater()),
            "jmxPort",
            Integer.toString(Ports.freeForLater()),
            "heapSize",
            "512M",
            "fastStart",
            "true",
            "incrementalBackups",
            "true"));
  }

  /** Logs in with the role's password over the native protocol, as applications do. */
  static CqlSession connect(int port, String user, String password) {
    return CqlSession.builder()
        .addContactPoint(new InetSocketAddress("127.0.0.1", port))
        .withLocalDatacenter("dc1")
        .withAuthCredentials(user, password)
        .withConfigLoader(
            DriverConfigLoader.programmaticBuilder()
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(20))
                .withBoolean(DefaultDriverOption.METADATA_SCHEMA_ENABLED, false)
                // a session per check: closing one need not wait the default 2 s of quiet
                .withInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0)
                .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 0)
                .build())
        .build();
  }

  @Override
  public DataPlane dataPlane(int port) {
    return (user, password, database, value) -> {
      try (CqlSession s = connect(port, user, password)) {
        String table = "\"" + database + "\".tck_rows";
        s.execute("CREATE TABLE IF NOT EXISTS " + table + " (k text PRIMARY KEY, v text)");
        s.execute("INSERT INTO " + table + " (k, v) VALUES ('last', ?)", value);
        Row row = s.execute("SELECT v FROM " + table + " WHERE k = 'last'").one();
        return row == null ? null : row.getString(0);
      }
    };
  }

  @Override
  public BackupData backupData(int port, String user, String password) {
    return new CassandraBackupData(port, user, password);
  }

  @Override
  public ConfigurationSamples configurationSamples() {
    return new ConfigurationSamples(
        "tombstone_warn_threshold",
        "2000",
        "2000",
        "memtable_allocation_type",
        "offheap_buffers",
        "offheap_buffers",
        List.of(
            Map.entry("tombstone_failure_threshold", "lots"),
            Map.entry("tombstone_failure_threshold", "-1"),
            Map.entry("tombstone_failure_threshold", "1.5"),
            Map.entry("read_request_timeout", "0"),
            Map.entry("read_request_timeout", "10 parsecs"),
            Map.entry("compaction_throughput", "64MB/s"),
            Map.entry("hinted_handoff_enabled", "maybe"),
            Map.entry("memtable_allocation_type", "on_the_heap")),
        List.of(
            "num_tokens",
            "listen_address",
            "native_transport_port",
            "authenticator",
            "data_file_directories",
            "cluster_name",
            "no_such_parameter",
            "tombstone_warn_threshold: 1\nauthenticator"),
        List.of(
            Map.entry("compaction_throughput", "32MiB/s"),
            Map.entry("read_request_timeout", "7000ms"),
            Map.entry("hinted_handoff_enabled", "false"),
            Map.entry("concurrent_compactors", "3")));
  }

  /** What the node itself says it runs with: {@code system_views.settings}. */
  @Override
  public String showParameter(int port, String user, String password, String name) {
    try (CqlSession s = connect(port, user, password)) {
      Row row = s.execute("SELECT value FROM system_views.settings WHERE name = ?", name).one();
      return row == null ? null : row.getString(0);
    }
  }

  @Override
  public List<String> badDatabaseNames() {
    return List.of(
        "",
        "quo'te",
        "dq\"uote",
        "semi;colon",
        "x\"; DROP KEYSPACE system_auth; --",
        "sp ace",
        "sl/ash",
        "nul\0byte",
        "Upper",
        "1digit",
        "k".repeat(49),
        "ünïcødé",
        "system",
        "system_auth",
        "system_schema");
  }

  @Override
  public List<String> badUserNames() {
    return List.of(
        "",
        "quo'te",
        "dq\"uote",
        "semi;colon",
        "x\" WITH SUPERUSER = true; --",
        "sp ace",
        "x".repeat(65),
        "cassandra",
        "coffer_admin",
        "root",
        "Upper");
  }
}
