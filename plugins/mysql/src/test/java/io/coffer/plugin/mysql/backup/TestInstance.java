package io.coffer.plugin.mysql.backup;

import io.coffer.plugin.kit.testing.Prerequisites;
import io.coffer.plugin.mysql.MysqlDatastoreManager;
import io.coffer.plugin.mysql.sql.SocketConnector;
import io.coffer.spi.DatastoreContext;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.ProcessSpec;
import io.coffer.spi.backup.ServerControl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.mariadb.jdbc.Driver;

/**
 * A real mariadbd with its own data directory and port, run by the plugin's manager the way the
 * runtime runs it. Skips the calling test when MariaDB or its backup tools are not installed.
 */
public final class TestInstance implements AutoCloseable {

  public static final Duration READY = Duration.ofSeconds(30);
  private static final AtomicInteger COUNTER = new AtomicInteger();

  public final MysqlDatastoreManager manager = new MysqlDatastoreManager();
  public final Path base;
  public final Path dataDir;
  public int port;
  private ProcessSpec spec;
  private Process server;

  private TestInstance(Path base) {
    this.base = base;
    this.dataDir = base.resolve("data");
  }

  /** Initialises and starts a fresh, empty instance. */
  public static TestInstance start(String name) throws IOException {
    for (Program p : Program.values()) {
      try {
        p.find((Path) null);
      } catch (DatastoreException e) {
        Prerequisites.unusable("MariaDB backup tools are not usable here: " + e.getMessage());
      }
    }
    Path base = Files.createTempDirectory("coffer-backup-" + name + "-");
    // The server's OS account (mysql) must reach its directories under the temp dir.
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
    TestInstance instance = new TestInstance(base);
    try (ServerSocket s = new ServerSocket(0)) {
      instance.port = s.getLocalPort();
    }
    try {
      instance.manager.init(
          new DatastoreContext(
              name + "-" + COUNTER.incrementAndGet(),
              instance.dataDir,
              base.resolve("run"),
              "127.0.0.1",
              instance.port,
              "",
              Map.of("innodbBufferPoolSize", "16M")));
    } catch (DatastoreException e) {
      instance.deleteBase();
      Prerequisites.unusable("MariaDB is not usable here (" + e.getMessage() + ")");
    }
    instance.manager.prepare();
    instance.spec = instance.manager.serverProcess();
    instance.startServer(READY);
    return instance;
  }

  /** Stops and starts the server like the runtime's supervisor; counts the calls. */
  public final class Control implements ServerControl {
    final AtomicInteger stops = new AtomicInteger();
    final AtomicInteger starts = new AtomicInteger();

    @Override
    public void stop() {
      stops.incrementAndGet();
      stopServer();
    }

    @Override
    public void start(Duration timeout) {
      starts.incrementAndGet();
      manager.prepare();
      startServer(timeout);
    }
  }

  public Control control() {
    return new Control();
  }

  public void startServer(Duration timeout) {
    try {
      server =
          new ProcessBuilder(spec.command())
              .directory(spec.workingDir().toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.logFile().toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    manager.awaitReady(timeout);
  }

  public void stopServer() {
    if (server != null && server.isAlive()) {
      server.destroy(); // SIGTERM: mariadbd shuts down cleanly
      try {
        if (!server.waitFor(spec.stopTimeout().toSeconds(), TimeUnit.SECONDS)) {
          server.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  boolean serverAlive() {
    return server != null && server.isAlive();
  }

  long serverPid() {
    return server.pid();
  }

  public Connection tcp(String user, String password) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    props.setProperty("connectTimeout", "3000");
    return new Driver().connect("jdbc:mariadb://127.0.0.1:" + port + "/", props);
  }

  public Connection connect() throws SQLException {
    return new SocketConnector(base.resolve("run/mysqld.sock"), Duration.ofSeconds(5), "root")
        .connect();
  }

  public void sql(String... statements) throws SQLException {
    try (Connection c = connect();
        Statement st = c.createStatement()) {
      for (String s : statements) {
        st.execute(s);
      }
    }
  }

  public List<String> query(String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          row.add(rs.getString(i));
        }
        rows.add(String.join("|", row));
      }
    }
    return rows;
  }

  /** {@code CHECKSUM TABLE} of every base table of every user database, by "db.table". */
  public Map<String, String> checksums() throws SQLException {
    Map<String, String> out = new TreeMap<>();
    try (Connection c = connect();
        Statement st = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs =
          st.executeQuery(
              "SELECT CONCAT('`', TABLE_SCHEMA, '`.`', TABLE_NAME, '`')"
                  + " FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA NOT IN"
                  + " ('mysql', 'information_schema', 'performance_schema', 'sys')")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      for (String table : tables) {
        try (ResultSet rs = st.executeQuery("CHECKSUM TABLE " + table)) {
          rs.next();
          out.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return out;
  }

  /** The data directory's entries, names and sizes: proof that nothing was touched. */
  List<String> dataDirListing() throws IOException {
    try (Stream<Path> files = Files.walk(dataDir)) {
      return files
          .filter(Files::isRegularFile)
          // the server adds binary logs and, at shutdown, its buffer pool dump
          .filter(p -> !p.getFileName().toString().startsWith("mariadb-bin"))
          .filter(p -> !p.getFileName().toString().equals("ib_buffer_pool"))
          .map(p -> dataDir.relativize(p).toString())
          .sorted()
          .toList();
    }
  }

  @Override
  public void close() throws IOException {
    manager.close();
    stopServer();
    deleteBase();
  }

  private void deleteBase() throws IOException {
    try (Stream<Path> tree = Files.walk(base)) {
      for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
