package io.coffer.plugin.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.plugin.postgresql.sql.SocketConnector;
import io.coffer.spi.Database;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.DatastoreException.Code;
import io.coffer.spi.Probe;
import io.coffer.spi.Secret;
import io.coffer.spi.UserAccount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Drives the manager against a real PostgreSQL 15, started here the way the runtime would start it.
 * Skipped when PostgreSQL is not installed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresqlDatastoreManagerTest {

  private TestServer server;
  private PostgresqlDatastoreManager manager;

  @BeforeAll
  void startServer() throws Exception {
    server = TestServer.start("it");
    manager = server.manager;
  }

  @AfterAll
  void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  @Order(1)
  void runsAsThePostgresAccountAnswersProbesAndPrepareIsIdempotent() throws Exception {
    manager.prepare();
    assertThat(manager.serverVersion()).startsWith("15.");
    Probe probe = manager.probe();
    assertThat(probe.health()).as(probe.detail()).isEqualTo(Probe.Health.HEALTHY);
    assertThat(probe.role()).isEqualTo(Probe.Role.STANDALONE);
    assertThat(probe.metrics()).containsKeys("connections", "uptime_seconds");
    assertThat(probe.metrics().get("connections")).isGreaterThanOrEqualTo(1.0);

    // the supervised process is the postmaster itself (setpriv execs it), running as postgres
    assertThat(server.spec().command().get(0)).isEqualTo("/usr/bin/setpriv");
    String firstLine = Files.readAllLines(server.spec().pidFile()).get(0);
    assertThat(Long.parseLong(firstLine)).isEqualTo(server.serverPid());
    assertThat(Files.readString(Path.of("/proc/" + server.serverPid() + "/status")))
        .containsPattern("Uid:\\s+" + uid("postgres") + "\\s");
    assertThat(Files.getPosixFilePermissions(server.dataDir)).hasSize(3); // rwx------
  }

  @Test
  @Order(2)
  void theAdminRoleLogsInOnlyOverTheSocket() {
    assertThatThrownBy(() -> server.tcp("coffer_admin", "", "postgres"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("pg_hba.conf rejects connection");
  }

  @Test
  @Order(3)
  void databases() {
    manager.databases().create(Database.named("app_db"));
    manager.databases().create(Database.named("12345"));
    manager.databases().create(new Database("legacy-db", "LATIN1", "C"));
    assertThat(manager.databases().list())
        .contains(
            new Database("app_db", "UTF8", "C.UTF-8"), new Database("legacy-db", "LATIN1", "C"))
        .extracting(Database::name)
        .contains("12345")
        .doesNotContain("postgres", "template0", "template1");

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
            () -> manager.databases().create(Database.named("Template1")))
        .hasMessageContaining("is a system database");
    expect(Code.INVALID_ARGUMENT, "database.name", () -> manager.databases().delete("postgres"))
        .hasMessageContaining("is a system database");
    expect(
        Code.INVALID_ARGUMENT,
        "database.character_set",
        () -> manager.databases().create(new Database("x1", "klingon", "")));
    expect(
        Code.INVALID_ARGUMENT,
        "database.collation",
        () -> manager.databases().create(new Database("x1", "", "tlh_KL.UTF-8")));
    expect(
        Code.INVALID_ARGUMENT,
        "database.collation",
        () -> manager.databases().create(new Database("x1", "LATIN1", "C.UTF-8")));
    assertThat(manager.databases().list()).extracting(Database::name).doesNotContain("x1");
  }

  @Test
  @Order(4)
  void usersGrantsRevokesAndPasswordsTakeEffect() throws SQLException {
    manager.databases().create(Database.named("shop"));
    manager.databases().create(Database.named("other"));
    // Quotes, backslash and semicolon: the password never travels in SQL, only its SCRAM verifier.
    Secret password = Secret.of("p'a\"s`s\\w;-- é");
    manager.users().create(new UserAccount("alice", "%", List.of("shop")), password);

    try (Connection c = server.tcp("alice", password.reveal(), "shop");
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE t (id INT PRIMARY KEY, v TEXT)");
      st.execute("INSERT INTO t VALUES (1, 'one')");
      try (ResultSet rs = st.executeQuery("SELECT v FROM t WHERE id = 1")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("one");
      }
    }
    assertThat(manager.users().list())
        .contains(new UserAccount("alice", "%", List.of("shop")))
        .extracting(UserAccount::name)
        .doesNotContain("coffer_admin", "postgres");
    expect(
        Code.ALREADY_EXISTS,
        "name",
        () -> manager.users().create(new UserAccount("alice", "%", List.of()), Secret.of("x")));
    // a database the plugin created lets in only roles given access
    assertDenied("42501", () -> server.tcp("alice", password.reveal(), "other"));

    // another user granted access to shop uses alice's existing table
    manager.users().create(new UserAccount("Bob.2", "", List.of()), Secret.of("bob-pw"));
    assertDenied("42501", () -> server.tcp("Bob.2", "bob-pw", "shop"));
    manager.users().grantAccess("Bob.2", "%", List.of("shop", "other"));
    try (Connection c = server.tcp("Bob.2", "bob-pw", "shop");
        Statement st = c.createStatement()) {
      st.execute("INSERT INTO t VALUES (2, 'two')");
    }
    server.tcp("Bob.2", "bob-pw", "other").close();
    assertThat(manager.users().list())
        .contains(new UserAccount("Bob.2", "%", List.of("other", "shop")));

    manager.users().revokeAccess("Bob.2", "%", List.of("shop"));
    assertDenied("42501", () -> server.tcp("Bob.2", "bob-pw", "shop"));
    manager
        .users()
        .revokeAccess(
            "Bob.2", "%", List.of("shop", "gone")); // idempotent, and a missing database is fine
    server.tcp("Bob.2", "bob-pw", "other").close();

    Secret newPassword = Secret.of("n3w-Password");
    manager.users().changePassword("alice", "", newPassword);
    assertDenied("28P01", () -> server.tcp("alice", password.reveal(), "shop"));
    server.tcp("alice", newPassword.reveal(), "shop").close();

    // deleting alice keeps her table (owned by the admin role now) and ends her sessions
    try (Connection open = server.tcp("alice", newPassword.reveal(), "shop")) {
      manager.users().delete("alice", "%");
      assertThatThrownBy(() -> open.createStatement().execute("SELECT 1"))
          .isInstanceOf(SQLException.class);
    }
    assertDenied("28P01", () -> server.tcp("alice", newPassword.reveal(), "shop"));
    assertThat(
            admin(
                "SELECT tableowner || ':' || (SELECT count(*) FROM t) FROM pg_tables WHERE tablename = 't'",
                "shop"))
        .containsExactly("coffer_admin:2");
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
    manager.users().delete("Bob.2", "");
  }

  @Test
  @Order(5)
  void passwordsAreStoredAsScramVerifiersOnly() throws SQLException {
    manager.users().create(new UserAccount("dave", "%", List.of()), Secret.of("plain-text-pw"));
    assertThat(admin("SELECT rolpassword FROM pg_authid WHERE rolname = 'dave'", "postgres"))
        .singleElement()
        .asString()
        .startsWith("SCRAM-SHA-256$4096:")
        .doesNotContain("plain-text-pw");
    assertThat(
            admin(
                "SELECT rolsuper::text || rolcreatedb::text || rolcreaterole::text || rolreplication::text"
                    + " FROM pg_roles WHERE rolname = 'dave'",
                "postgres"))
        .containsExactly("falsefalsefalsefalse");
    manager.users().delete("dave", "%");
  }

  @Test
  @Order(6)
  void createUserChecksDatabasesFirstAndLeavesNothingBehind() {
    expect(
        Code.NOT_FOUND,
        "databases",
        () ->
            manager
                .users()
                .create(new UserAccount("erin", "%", List.of("shop", "nope")), Secret.of("pw")));
    expect(
        Code.INVALID_ARGUMENT,
        "databases",
        () ->
            manager
                .users()
                .create(new UserAccount("erin", "%", List.of("template1")), Secret.of("pw")));
    assertThat(manager.users().list()).extracting(UserAccount::name).doesNotContain("erin");
    expect(
        Code.INVALID_ARGUMENT,
        "host",
        () ->
            manager
                .users()
                .create(new UserAccount("erin", "10.0.0.1", List.of()), Secret.of("pw")));
  }

  @Test
  @Order(7)
  void badInputIsRejectedBeforeAnySqlRuns() throws Exception {
    String before = snapshot();
    List<String> badNames =
        List.of(
            "x\"; DROP DATABASE shop; --",
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
            "d".repeat(64));
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
    for (String reserved :
        List.of(
            "postgres",
            "Postgres",
            "coffer_admin",
            "pg_monitor",
            "PG_read_all_data",
            "public",
            "none",
            "current_user",
            "session_user")) {
      expect(Code.INVALID_ARGUMENT, "name", () -> manager.users().delete(reserved, "%"));
      expect(
          Code.INVALID_ARGUMENT,
          "name",
          () -> manager.users().changePassword(reserved, "%", Secret.of("pw")));
      expect(
          Code.INVALID_ARGUMENT,
          "name",
          () -> manager.users().grantAccess(reserved, "%", List.of("shop")));
    }
    expect(
        Code.INVALID_ARGUMENT,
        "database.character_set",
        () -> manager.databases().create(new Database("ok", "UTF8'; DROP DATABASE shop; --", "")));
    expect(
        Code.INVALID_ARGUMENT,
        "database.collation",
        () -> manager.databases().create(new Database("ok", "", "C' TEMPLATE shop --")));
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  @Order(8)
  void enableRootGivesRemoteSuperuserTheCallersPasswordAndANewOneEachTime() throws SQLException {
    Secret first = Secret.of("first-Root-pass-1");
    assertThat(manager.root().enable(first)).isEqualTo("postgres");
    try (Connection c = server.tcp("postgres", first.reveal(), "shop");
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
      rs.next();
      assertThat(rs.getBoolean(1)).isTrue();
    }
    Secret second = Secret.of("second-Root-pass-2");
    assertThat(manager.root().enable(second)).isEqualTo("postgres");
    assertDenied("28P01", () -> server.tcp("postgres", first.reveal(), "postgres"));
    server.tcp("postgres", second.reveal(), "postgres").close();
    assertThat(manager.users().list()).extracting(UserAccount::name).doesNotContain("postgres");
    assertThat(manager.databases().list())
        .isNotEmpty(); // the agent's own socket login is unaffected
  }

  @Test
  @Order(9)
  void reportsUnavailableWhileStoppedAndReconnectsAfterRestart() throws Exception {
    manager.databases().list(); // the admin session is open and idle
    long t0 = System.nanoTime();
    server.stopServer();
    // a smart shutdown: the admin session idles out instead of holding it up for the stop timeout
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
    t0 = System.nanoTime();
    Probe probe = manager.probe();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(1500));
    assertThat(probe.health()).isEqualTo(Probe.Health.UNHEALTHY);
    assertThat(probe.detail()).isNotEmpty();
    expect(Code.UNAVAILABLE, "", () -> manager.databases().list());
    expect(Code.UNAVAILABLE, "", () -> manager.awaitReady(Duration.ofMillis(300)));
    assertThat(manager.serverVersion()).isEmpty();

    server.startServer(TestServer.READY);
    assertThat(manager.databases().list()).extracting(Database::name).contains("shop");
    assertThat(manager.probe().health()).isEqualTo(Probe.Health.HEALTHY);
  }

  // ---- helpers ----

  private List<String> admin(String sql, String database) throws SQLException {
    List<String> rows = new ArrayList<>();
    SocketConnector connector =
        new SocketConnector(
            server.base.resolve("run/.s.PGSQL." + server.port),
            server.port,
            Duration.ofSeconds(5),
            null);
    try (Connection c = connector.connect(database);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
    }
    return rows;
  }

  /** Everything the bad-input test could possibly have changed, read over the admin socket. */
  private String snapshot() throws SQLException {
    List<String> rows = new ArrayList<>();
    rows.addAll(
        admin(
            "SELECT datname || ':' || coalesce(datacl::text, '') FROM pg_database ORDER BY 1",
            "postgres"));
    rows.addAll(
        admin(
            "SELECT rolname || ':' || coalesce(rolpassword, '') FROM pg_authid ORDER BY 1",
            "postgres"));
    rows.addAll(
        admin(
            "SELECT nspname || ':' || coalesce(nspacl::text, '') FROM pg_namespace ORDER BY 1",
            "shop"));
    return String.join("\n", rows);
  }

  private static String uid(String user) throws Exception {
    Process p = new ProcessBuilder("id", "-u", user).start();
    return new String(p.getInputStream().readAllBytes()).strip();
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

  /** 42501: no CONNECT privilege; 28P01: wrong password (or no such role). */
  private static void assertDenied(String sqlState, ThrowingCallable connect) {
    assertThatThrownBy(connect)
        .isInstanceOfSatisfying(
            SQLException.class,
            e -> assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo(sqlState));
  }
}
