package io.coffer.plugin.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.plugin.kit.testing.Prerequisites;
import io.coffer.plugin.mysql.sql.SocketConnector;
import io.coffer.spi.Database;
import io.coffer.spi.DatastoreContext;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.DatastoreException.Code;
import io.coffer.spi.Probe;
import io.coffer.spi.ProcessSpec;
import io.coffer.spi.Secret;
import io.coffer.spi.UserAccount;
import java.io.IOException;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.mariadb.jdbc.Driver;

/**
 * Drives the manager against a real mariadbd, started here the way the runtime would start it.
 * Skipped when MariaDB is not installed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MysqlDatastoreManagerTest {

  private static final Duration READY = Duration.ofSeconds(20);

  private final MysqlDatastoreManager manager = new MysqlDatastoreManager();
  private Path base;
  private int port;
  private ProcessSpec spec;
  private Process server;

  @BeforeAll
  void startServer() throws Exception {
    base = Files.createTempDirectory("coffer-mysql-it");
    // The server's OS account must be able to reach its directories under the temp dir.
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try {
      manager.init(
          new DatastoreContext(
              "it-1",
              base.resolve("data"),
              base.resolve("run"),
              "127.0.0.1",
              port,
              "",
              Map.of("innodbBufferPoolSize", "16M")));
    } catch (DatastoreException e) {
      Prerequisites.unusable("MariaDB is not usable here (" + e.getMessage() + ")");
    }
    manager.prepare();
    spec = manager.serverProcess();
    start();
  }

  private void start() throws IOException {
    server =
        new ProcessBuilder(spec.command())
            .directory(spec.workingDir().toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.logFile().toFile()))
            .start();
    manager.awaitReady(READY);
  }

  private void stop() throws InterruptedException {
    if (server != null && server.isAlive()) {
      server.destroy(); // SIGTERM: mariadbd shuts down cleanly
      if (!server.waitFor(spec.stopTimeout().toSeconds(), TimeUnit.SECONDS)) {
        server.destroyForcibly().waitFor();
      }
    }
  }

  @AfterAll
  void stopServer() throws Exception {
    manager.close();
    stop();
    if (base != null) {
      try (Stream<Path> tree = Files.walk(base)) {
        for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  @Test
  @Order(1)
  void preparedServerAnswersProbesAndPrepareIsIdempotent() {
    manager.prepare();
    assertThat(manager.serverVersion()).contains("MariaDB");
    Probe probe = manager.probe();
    assertThat(probe.health()).isEqualTo(Probe.Health.HEALTHY);
    assertThat(probe.role()).isEqualTo(Probe.Role.STANDALONE);
    assertThat(probe.metrics()).containsKeys("connections", "uptime_seconds");
    assertThat(probe.metrics().get("connections")).isGreaterThanOrEqualTo(1.0);
  }

  @Test
  @Order(2)
  void databases() {
    manager.databases().create(new Database("app_db", "utf8mb4", "utf8mb4_bin"));
    manager.databases().create(Database.named("12345"));
    manager
        .databases()
        .create(new Database("legacy-db", "utf8", "utf8_general_ci")); // utf8 = utf8mb3 alias
    assertThat(manager.databases().list())
        .contains(new Database("app_db", "utf8mb4", "utf8mb4_bin"))
        .extracting(Database::name)
        .contains("12345", "legacy-db")
        .doesNotContain("mysql", "information_schema", "performance_schema", "sys");

    expect(
        Code.ALREADY_EXISTS,
        "database.name",
        () -> manager.databases().create(Database.named("app_db")));
    manager.databases().delete("12345");
    assertThat(manager.databases().list()).extracting(Database::name).doesNotContain("12345");
    expect(Code.NOT_FOUND, "database.name", () -> manager.databases().delete("12345"));

    expect(
            Code.INVALID_ARGUMENT,
            "database.name",
            () -> manager.databases().create(Database.named("mysql")))
        .hasMessageContaining("is a system database");
    expect(
            Code.INVALID_ARGUMENT,
            "database.name",
            () -> manager.databases().delete("information_schema"))
        .hasMessageContaining("is a system database");
    expect(
        Code.INVALID_ARGUMENT,
        "database.character_set",
        () -> manager.databases().create(new Database("x1", "klingon", "")));
    expect(
        Code.INVALID_ARGUMENT,
        "database.collation",
        () -> manager.databases().create(new Database("x1", "", "klingon_ci")));
    expect(
        Code.INVALID_ARGUMENT,
        "database.collation",
        () -> manager.databases().create(new Database("x1", "latin1", "utf8mb4_bin")));
    assertThat(manager.databases().list()).extracting(Database::name).doesNotContain("x1");
  }

  @Test
  @Order(3)
  void usersGrantsRevokesAndPasswordsTakeEffect() throws SQLException {
    manager.databases().create(Database.named("shop"));
    manager.databases().create(Database.named("a_b"));
    manager.databases().create(Database.named("aXb"));
    // Quotes, backslash and semicolon prove the password travels as a bound parameter.
    Secret password = Secret.of("p'a\"s`s\\w;-- é");
    manager.users().create(new UserAccount("alice", "%", List.of("shop")), password);

    try (Connection c = tcp("alice", password.reveal(), "shop");
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))");
      st.execute("INSERT INTO t VALUES (1, 'one')");
      try (ResultSet rs = st.executeQuery("SELECT v FROM t WHERE id = 1")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("one");
      }
    }
    assertThat(manager.users().list())
        .contains(new UserAccount("alice", "%", List.of("shop")))
        .extracting(UserAccount::name)
        .doesNotContain("root", "mariadb.sys", "mysql");
    expect(
        Code.ALREADY_EXISTS,
        "name",
        () -> manager.users().create(new UserAccount("alice", "%", List.of()), Secret.of("x")));

    // '_' in a grant would be a wildcard: the grant on a_b must not cover aXb.
    manager.users().grantAccess("alice", "%", List.of("a_b"));
    tcp("alice", password.reveal(), "a_b").close();
    assertDenied(1044, () -> tcp("alice", password.reveal(), "aXb"));
    assertThat(manager.users().list())
        .contains(new UserAccount("alice", "%", List.of("a_b", "shop")));

    manager.users().revokeAccess("alice", "%", List.of("a_b"));
    assertDenied(1044, () -> tcp("alice", password.reveal(), "a_b"));
    manager.users().revokeAccess("alice", "%", List.of("a_b")); // idempotent
    tcp("alice", password.reveal(), "shop").close();

    Secret newPassword = Secret.of("n3w-Password");
    manager.users().changePassword("alice", "%", newPassword);
    assertDenied(1045, () -> tcp("alice", password.reveal(), "shop"));
    tcp("alice", newPassword.reveal(), "shop").close();

    manager.users().delete("alice", "%");
    assertDenied(1045, () -> tcp("alice", newPassword.reveal(), "shop"));
    expect(Code.NOT_FOUND, "name", () -> manager.users().delete("alice", "%"));
    expect(
            Code.NOT_FOUND,
            "name",
            () -> manager.users().changePassword("alice", "%", Secret.of("s3cr3t-value")))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t-value"));
    expect(
        Code.NOT_FOUND, "name", () -> manager.users().revokeAccess("alice", "%", List.of("shop")));
    expect(
        Code.NOT_FOUND, "name", () -> manager.users().grantAccess("alice", "%", List.of("shop")));
  }

  @Test
  @Order(4)
  void createUserChecksDatabasesFirstAndLeavesNothingBehind() throws SQLException {
    expect(
        Code.NOT_FOUND,
        "databases",
        () ->
            manager
                .users()
                .create(new UserAccount("bob", "%", List.of("shop", "nope")), Secret.of("pw")));
    expect(
        Code.INVALID_ARGUMENT,
        "databases",
        () ->
            manager.users().create(new UserAccount("bob", "%", List.of("mysql")), Secret.of("pw")));
    assertThat(manager.users().list()).extracting(UserAccount::name).doesNotContain("bob");

    // Hosts are matched by IP (skip-name-resolve); TCP from 127.0.0.1 reaches 'bob'@'127.0.0.1'.
    manager.users().create(new UserAccount("bob", "127.0.0.1", List.of("shop")), Secret.of("pw"));
    tcp("bob", "pw", "shop").close();
    expect(
        Code.NOT_FOUND,
        "databases",
        () -> manager.users().grantAccess("bob", "127.0.0.1", List.of("nope")));
    manager.users().delete("bob", "127.0.0.1");
  }

  @Test
  @Order(5)
  void badInputIsRejectedBeforeAnySqlRuns() throws Exception {
    String before = snapshot();
    List<String> badNames =
        List.of(
            "x`; DROP DATABASE shop; --",
            "a'b",
            "a\"b",
            "a;b",
            "a b",
            "a/b",
            "a\\b",
            "a\0b",
            "",
            "é",
            "数据库",
            "d".repeat(81));
    for (String bad : badNames) {
      expect(
          Code.INVALID_ARGUMENT,
          "database.name",
          () -> manager.databases().create(Database.named(bad)));
      expect(Code.INVALID_ARGUMENT, "database.name", () -> manager.databases().delete(bad));
      expect(
          Code.INVALID_ARGUMENT,
          "name",
          () -> manager.users().create(new UserAccount(bad, "%", List.of()), Secret.of("pw")));
      expect(Code.INVALID_ARGUMENT, "name", () -> manager.users().delete(bad, "%"));
      expect(
          Code.INVALID_ARGUMENT,
          "databases",
          () ->
              manager
                  .users()
                  .create(new UserAccount("carol", "%", List.of("shop", bad)), Secret.of("pw")));
      expect(
          Code.INVALID_ARGUMENT,
          "databases",
          () -> manager.users().grantAccess("carol", "%", List.of(bad)));
    }
    expect(
        Code.INVALID_ARGUMENT,
        "database.name",
        () -> manager.databases().create(Database.named("shop.t")));
    for (String bad : List.of("%' OR 1=1 --", "a b", "h`", "10.0.0.0/255.0.0.0", "h".repeat(256))) {
      expect(
          Code.INVALID_ARGUMENT,
          "host",
          () -> manager.users().create(new UserAccount("carol", bad, List.of()), Secret.of("pw")));
    }
    for (String bad : List.of("", "a\0b", "x".repeat(257))) {
      expect(
          Code.INVALID_ARGUMENT,
          "password",
          () -> manager.users().create(new UserAccount("carol", "%", List.of()), Secret.of(bad)));
      expect(
          Code.INVALID_ARGUMENT,
          "password",
          () -> manager.users().changePassword("carol", "%", Secret.of(bad)));
    }
    for (String reserved : List.of("root", "mariadb.sys", "mysql", "PUBLIC", "coffer_admin")) {
      expect(Code.INVALID_ARGUMENT, "name", () -> manager.users().delete(reserved, "localhost"));
      expect(
          Code.INVALID_ARGUMENT,
          "name",
          () -> manager.users().changePassword(reserved, "localhost", Secret.of("pw")));
    }
    expect(
        Code.INVALID_ARGUMENT,
        "database.character_set",
        () -> manager.databases().create(new Database("ok", "utf8mb4; DROP DATABASE shop", "")));
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  @Order(6)
  void enableRootGivesRemoteSuperuserTheCallersPasswordAndANewOneEachTime() throws SQLException {
    Secret first = Secret.of("first-Root-pass-1");
    assertThat(manager.root().enable(first)).isEqualTo("root");
    try (Connection c = tcp("root", first.reveal(), "");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SHOW GRANTS")) {
      rs.next();
      assertThat(rs.getString(1)).contains("ALL PRIVILEGES ON *.*").contains("WITH GRANT OPTION");
    }
    Secret second = Secret.of("second-Root-pass-2");
    assertThat(manager.root().enable(second)).isEqualTo("root");
    assertDenied(1045, () -> tcp("root", first.reveal(), ""));
    tcp("root", second.reveal(), "").close();
    assertThat(manager.users().list()).extracting(UserAccount::name).doesNotContain("root");
    // The agent's own socket login is unaffected.
    assertThat(manager.databases().list()).isNotEmpty();
  }

  @Test
  @Order(7)
  void reportsUnavailableWhileStoppedAndReconnectsAfterRestart() throws Exception {
    stop();
    long t0 = System.nanoTime();
    Probe probe = manager.probe();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(1500));
    assertThat(probe.health()).isEqualTo(Probe.Health.UNHEALTHY);
    assertThat(probe.detail()).isNotEmpty();
    expect(Code.UNAVAILABLE, "", () -> manager.databases().list());
    expect(Code.UNAVAILABLE, "", () -> manager.awaitReady(Duration.ofMillis(300)));
    assertThat(manager.serverVersion()).isEmpty();

    start();
    assertThat(manager.databases().list()).extracting(Database::name).contains("shop");
    assertThat(manager.probe().health()).isEqualTo(Probe.Health.HEALTHY);
  }

  // ---- helpers ----

  private Connection tcp(String user, String password, String database) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    props.setProperty("connectTimeout", "3000");
    return new Driver().connect("jdbc:mariadb://127.0.0.1:" + port + "/" + database, props);
  }

  /** Everything the bad-input test could possibly have changed, read over the admin socket. */
  private String snapshot() throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c =
            new SocketConnector(base.resolve("run/mysqld.sock"), Duration.ofSeconds(5), "root")
                .connect();
        Statement st = c.createStatement()) {
      for (String sql :
          List.of(
              "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA ORDER BY 1",
              "SELECT CONCAT(User, '@', Host) FROM mysql.user ORDER BY 1",
              "SELECT CONCAT(User, '@', Host, ':', Db) FROM mysql.db ORDER BY 1",
              "SELECT CONCAT(User, '@', Host, ':', Priv) FROM mysql.global_priv ORDER BY 1")) {
        try (ResultSet rs = st.executeQuery(sql)) {
          while (rs.next()) {
            rows.add(rs.getString(1));
          }
        }
      }
    }
    return String.join("\n", rows);
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> expect(
      Code code, String field, ThrowingCallable call) {
    return assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            DatastoreException.class,
            e -> {
              assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
              assertThat(e.field()).as(e.getMessage()).isEqualTo(field);
            });
  }

  private static void assertDenied(int errorCode, ThrowingCallable connect) {
    assertThatThrownBy(connect)
        .isInstanceOfSatisfying(
            SQLException.class,
            e -> assertThat(e.getErrorCode()).as(e.getMessage()).isEqualTo(errorCode));
  }
}
