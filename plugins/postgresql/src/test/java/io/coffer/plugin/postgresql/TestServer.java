package io.coffer.plugin.postgresql;

import io.coffer.plugin.kit.testing.Prerequisites;
import io.coffer.plugin.postgresql.sql.SocketConnector;
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
import org.postgresql.Driver;

/**
 * A real PostgreSQL with its own data directory and port, run by the plugin's manager the way the
 * runtime runs it (prepare, the ProcessSpec's command, awaitReady). Skips the calling test when
 * PostgreSQL 15 is not installed.
 */
public final class TestServer implements AutoCloseable {

  public static final Duration READY = Duration.ofSeconds(30);
  private static final AtomicInteger COUNTER = new AtomicInteger();

  public final PostgresqlDatastoreManager manager = new PostgresqlDatastoreManager();
  public final Path base;
  public final Path dataDir;
  public final int port;
  private ProcessSpec spec;
  private Process server;

  private TestServer(Path base, int port) {
    this.base = base;
    this.dataDir = base.resolve("data");
    this.port = port;
  }

  /** Initialises and starts a fresh, empty instance. */
  public static TestServer start(String name) throws IOException {
    Prerequisites.require(
        Files.isExecutable(Path.of("/usr/lib/postgresql/15/bin/postgres")),
        "PostgreSQL 15 is not installed (apt-get install postgresql)");
    Path base = Files.createTempDirectory("coffer-pg-" + name + "-");
    // The server's OS account (postgres) must reach its directories under the temp dir.
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    TestServer instance = new TestServer(base, port);
    try {
      instance.manager.init(
          new DatastoreContext(
              name + "-" + COUNTER.incrementAndGet(),
              instance.dataDir,
              base.resolve("run"),
              "127.0.0.1",
              port,
              "",
              Map.of("sharedBuffers", "16MB")));
    } catch (DatastoreException e) {
      instance.deleteBase();
      Prerequisites.unusable("PostgreSQL is not usable here (" + e.getMessage() + ")");
    }
    instance.manager.prepare();
    instance.spec = instance.manager.serverProcess();
    instance.startServer(READY);
    return instance;
  }

  public ProcessSpec spec() {
    return spec;
  }

  /** Stops and starts the server like the runtime's supervisor; counts the calls. */
  public final class Control implements ServerControl {
    public final AtomicInteger stops = new AtomicInteger();
    public final AtomicInteger starts = new AtomicInteger();

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

  /** SIGTERM (a smart shutdown), SIGKILL after the spec's stop timeout. */
  public void stopServer() {
    if (server != null && server.isAlive()) {
      server.destroy();
      try {
        if (!server.waitFor(spec.stopTimeout().toSeconds(), TimeUnit.SECONDS)) {
          server.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  public boolean serverAlive() {
    return server != null && server.isAlive();
  }

  public long serverPid() {
    return server.pid();
  }

  /** An ordinary client over TCP (scram-sha-256), as applications connect. */
  public Connection tcp(String user, String password, String database) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    props.setProperty("connectTimeout", "5");
    props.setProperty("sslmode", "disable");
    return new Driver().connect("jdbc:postgresql://127.0.0.1:" + port + "/" + database, props);
  }

  /** A connection to {@code database} as the agent's admin role, over the socket. */
  public Connection admin(String database) throws SQLException {
    return new SocketConnector(
            base.resolve("run/.s.PGSQL." + port), port, Duration.ofSeconds(5), null)
        .connect(database);
  }

  /** Runs statements in {@code database} as the admin role. */
  public void sql(String database, String... statements) throws SQLException {
    try (Connection c = admin(database);
        Statement st = c.createStatement()) {
      for (String s : statements) {
        st.execute(s);
      }
    }
  }

  /** Rows of a query in {@code database}, columns joined by '|'. */
  public List<String> query(String database, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = admin(database);
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

  /**
   * A content hash of every table of every user database, by "database.schema.table": the md5 of
   * the sorted md5s of its rows' text forms, and the row count.
   */
  public Map<String, String> fingerprint() throws SQLException {
    Map<String, String> out = new TreeMap<>();
    for (String db :
        query(
            "postgres",
            "SELECT datname FROM pg_database WHERE NOT datistemplate"
                + " AND datname <> 'postgres'")) {
      for (String table :
          query(
              db,
              "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables"
                  + " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")) {
        out.put(
            db + "." + table,
            query(
                    db,
                    "SELECT count(*) || ':' || coalesce(md5(string_agg(h, '' ORDER BY h)), '')"
                        + " FROM (SELECT md5(t::text) AS h FROM "
                        + table
                        + " t) r")
                .get(0));
      }
    }
    return out;
  }

  /** The data directory's regular files, by name: proof that nothing was touched. */
  public List<String> dataDirListing() throws IOException {
    try (Stream<Path> files = Files.walk(dataDir)) {
      return files
          .filter(Files::isRegularFile)
          .map(p -> dataDir.relativize(p).toString())
          // the server writes these on its own
          .filter(
              p ->
                  !p.startsWith("pg_stat_tmp/")
                      && !p.startsWith("pg_wal/")
                      && !p.startsWith("pg_xact/")
                      && !p.startsWith("pg_subtrans/")
                      && !p.startsWith("pg_logical/")
                      && !p.startsWith("base/pgsql_tmp"))
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
