package io.coffer.plugin.mysql.replication;

import static io.coffer.spi.backup.BackupManifest.POSITION_GTID_SET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.plugin.kit.sql.AdminSession;
import io.coffer.plugin.mysql.backup.RuntimeStandIn;
import io.coffer.plugin.mysql.backup.RuntimeStandIn.Stored;
import io.coffer.plugin.mysql.backup.TestInstance;
import io.coffer.plugin.mysql.naming.ReservedAccounts;
import io.coffer.plugin.mysql.server.ServerCommand;
import io.coffer.plugin.mysql.sql.AccountExport;
import io.coffer.plugin.mysql.sql.ReplicationSnapshot;
import io.coffer.plugin.mysql.sql.SocketConnector;
import io.coffer.plugin.mysql.sql.SqlErrors;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.DatastoreException.Code;
import io.coffer.spi.Probe;
import io.coffer.spi.Secret;
import io.coffer.spi.UserAccount;
import io.coffer.spi.backup.BackupType;
import io.coffer.spi.backup.ServerControl;
import io.coffer.spi.replication.ReplicationSource;
import io.coffer.spi.replication.ReplicationStatus;
import io.coffer.spi.replication.ReplicationStrategy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Replication between real mariadbd processes on loopback: A is the source; B and C are restored
 * from one full backup of A (taken with the plugin's own backup strategy) and attached from its
 * positions; then a switchover makes B the primary, C is repointed and A follows B. Tests run in
 * order and build on each other. Skipped when MariaDB or its backup tools are missing.
 */
@org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MariaDbReplicationTest {

  private static final String USER = "coffer_repl";

  /** Quotes and backslashes: CHANGE MASTER must carry it unchanged. */
  private static final Secret PASSWORD = Secret.of("Pa'ss\\wo\"rd`;--1");

  private static final Secret ROTATED = Secret.of("rotated-0123456789");
  private static final Duration CONVERGE = Duration.ofSeconds(30);

  /** MariaDB changes roles online: a step that tried to restart the server would fail the test. */
  private static final ServerControl NO_RESTART =
      new ServerControl() {
        @Override
        public void stop() {
          throw new AssertionError("MariaDB replication must not stop the server");
        }

        @Override
        public void start(Duration timeout) {
          throw new AssertionError("MariaDB replication must not start the server");
        }
      };

  private final List<TestInstance> instances = new ArrayList<>();
  private TestInstance a;
  private TestInstance b;
  private TestInstance c;
  private Path work;
  private Map<String, String> backupPositions;

  @BeforeAll
  void sourceAndTwoReplicasRestoredFromItsBackup() throws Exception {
    // one after the other: two mariadb-install-db at once failed once in CI-like runs
    a = start("repl-a");
    a.sql(
        "CREATE DATABASE app",
        "CREATE TABLE app.t (id INT PRIMARY KEY, note VARCHAR(100)) ENGINE=InnoDB",
        "INSERT INTO app.t SELECT seq, CONCAT('before the backup ', seq) FROM app.seq_1_to_1000");
    a.manager.users().create(new UserAccount("app", "%", List.of("app")), Secret.of("app-pw"));
    a.manager.replication().prepareSource(USER, PASSWORD);

    work = Files.createTempDirectory("coffer-repl-work-");
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    RuntimeStandIn runtime = new RuntimeStandIn(work);
    Stored full = runtime.backup(a.manager, "full-1", BackupType.FULL, null);
    backupPositions = full.manifest().positions();
    assertThat(backupPositions.get(POSITION_GTID_SET)).matches("0-\\d+-\\d+");
    a.sql("INSERT INTO app.t VALUES (1001, 'after the backup')");

    b = start("repl-b");
    c = start("repl-c");
    runtime.restore(b.manager, List.of(full), b.control());
    runtime.restore(c.manager, List.of(full), c.control());
  }

  @AfterAll
  void stopAll() throws Exception {
    for (TestInstance i : instances) {
      i.close();
    }
    if (work != null) {
      try (Stream<Path> tree = Files.walk(work)) {
        for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  @Test
  @Order(1)
  void theReplicationAccountIsReservedAndNeverExported() throws Exception {
    assertThat(a.query("SHOW GRANTS FOR 'coffer_repl'@'%'"))
        .singleElement()
        .asString()
        .startsWith("GRANT REPLICATION SLAVE ON *.* TO `coffer_repl`@`%`");
    for (TestInstance i : List.of(a, b)) { // b carries it from the physical backup
      assertThat(i.manager.users().list()).extracting(UserAccount::name).containsExactly("app");
    }
    expect(
        Code.INVALID_ARGUMENT,
        "name",
        () -> a.manager.users().create(new UserAccount(USER, "%", List.of()), Secret.of("x")));
    expect(Code.INVALID_ARGUMENT, "name", () -> a.manager.users().delete(USER, "%"));
    expect(
        Code.INVALID_ARGUMENT,
        "name",
        () -> a.manager.users().changePassword(USER, "%", Secret.of("x")));
    try (AdminSession admin =
        new AdminSession(
            new SocketConnector(a.base.resolve("run/mysqld.sock"), Duration.ofSeconds(5), "root"),
            true,
            SqlErrors.FAILURES)) {
      AccountExport.Script script = new AccountExport(admin, ReservedAccounts.NONE).script();
      assertThat(script.accounts() + script.grants())
          .contains("`app`@`%`")
          .doesNotContain("coffer_");
    }
    // the binary log (replicated, archived) holds the password's hash, never the password
    String events = String.join("\n", a.query("SHOW BINLOG EVENTS"));
    assertThat(events).contains("coffer_repl").doesNotContain("rd`;--1");
  }

  @Test
  @Order(2)
  void replicasAttachFromTheBackupPositionsAndFollowTheirSource() throws Exception {
    // a restored instance has the backup's data and nothing of its own in its binary log
    assertThat(b.query("SELECT COUNT(*), @@gtid_binlog_pos FROM app.t")).containsExactly("1000|");
    assertThat(b.dataDir.resolve(ServerCommand.INIT_FILE)).isRegularFile();

    b.manager.replication().attach(source(a, backupPositions, true), NO_RESTART);
    c.manager.replication().attach(source(a, backupPositions, false), NO_RESTART);
    a.sql("INSERT INTO app.t VALUES (1002, 'after the attach')");
    awaitRows(b, 1002);
    awaitRows(c, 1002);

    String sourcePosition = a.query("SELECT @@gtid_binlog_pos").get(0);
    ReplicationStatus s = awaitStatus(b, st -> st.position().equals(sourcePosition));
    assertThat(s.role()).isEqualTo(Probe.Role.REPLICA);
    assertThat(s.sourceHost()).isEqualTo("127.0.0.1");
    assertThat(s.sourcePort()).isEqualTo(a.port);
    assertThat(s.running()).isTrue();
    assertThat(s.lagSeconds()).isBetween(0.0, 5.0);
    assertThat(s.readOnly()).isTrue();
    assertThat(s.lastError()).isEmpty();

    Probe probe = b.manager.probe();
    assertThat(probe.role()).isEqualTo(Probe.Role.REPLICA);
    assertThat(probe.detail()).isEmpty();
    assertThat(probe.metrics())
        .containsEntry("replication_running", 1.0)
        .containsKey("replication_lag_seconds");
    await(() -> a.manager.probe().role() == Probe.Role.PRIMARY, "A reports PRIMARY");
    assertThat(a.manager.probe().metrics()).containsEntry("replicas_connected", 2.0);
    ReplicationStatus primary = a.manager.replication().status();
    assertThat(primary.position()).isEqualTo(sourcePosition);
    assertThat(primary.readOnly()).isFalse();
    // B acknowledges semi-synchronously, C does not
    assertThat(a.query("SHOW GLOBAL STATUS LIKE 'Rpl_semi_sync_master_clients'"))
        .containsExactly("Rpl_semi_sync_master_clients|1");

    // attaching again (the control repeats steps) with the old positions rewinds nothing
    b.manager.replication().attach(source(a, backupPositions, true), NO_RESTART);
    a.sql("INSERT INTO app.t VALUES (1003, 'after the second attach')");
    awaitRows(b, 1003);
    assertThat(b.manager.replication().status().lastError()).isEmpty();
  }

  @Test
  @Order(3)
  void aReplicaRefusesUserWritesAndStaysAReplicaAcrossRestarts() throws Exception {
    assertReadOnlyFor(b);
    b.control().stop();
    long started = System.nanoTime();
    ReplicationStatus down = b.manager.replication().status();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(1500));
    assertThat(down.role()).isEqualTo(Probe.Role.UNKNOWN);
    assertThat(down.lastError()).startsWith("MariaDB is not answering");
    assertThat(b.manager.probe().health()).isEqualTo(Probe.Health.UNHEALTHY);
    b.control().start(TestInstance.READY);
    assertThat(b.query("SELECT @@read_only")).containsExactly("1");
    assertReadOnlyFor(b);
    a.sql("INSERT INTO app.t VALUES (1004, 'after the restart')");
    awaitRows(b, 1004);
    await(
        () -> statusVar(b, "Rpl_semi_sync_slave_status").equals("ON"),
        "B acknowledges semi-synchronously again");
  }

  @Test
  @Order(4)
  void switchoverLosesNothingAndTheOldSourceFollowsTheNewPrimary() throws Exception {
    ReplicationStrategy ra = a.manager.replication();
    ReplicationStrategy rb = b.manager.replication();
    a.sql("INSERT INTO app.t VALUES (1005, 'just before the fence')");
    String fenced = ra.fence(NO_RESTART);
    assertThat(fenced).isEqualTo(a.query("SELECT @@gtid_binlog_pos").get(0)).matches("0-\\d+-\\d+");
    assertReadOnlyFor(a);
    assertThat(ra.fence(NO_RESTART)).isEqualTo(fenced);
    assertThat(a.manager.probe().detail()).isEqualTo("read-only (fenced)");

    rb.awaitPosition(fenced, Duration.ofSeconds(10));
    c.manager.replication().awaitPosition(fenced, Duration.ofSeconds(10));
    assertThat(b.query("SELECT COUNT(*) FROM app.t")).containsExactly("1005");
    rb.promote();
    rb.promote();
    assertThat(rb.status().role()).isNotEqualTo(Probe.Role.REPLICA);
    assertThat(rb.status().readOnly()).isFalse();
    try (Connection app = b.tcp("app", "app-pw");
        Statement st = app.createStatement()) {
      st.executeUpdate("INSERT INTO app.t VALUES (1006, 'on the new primary')");
    }

    rb.prepareSource(USER, PASSWORD);
    c.manager.replication().attach(source(b, Map.of(), false), NO_RESTART); // repoint
    ra.attach(source(b, Map.of(), false), NO_RESTART); // demote the old source
    b.sql("INSERT INTO app.t VALUES (1007, 'after the switchover')");
    awaitRows(a, 1007);
    awaitRows(c, 1007);
    ReplicationStatus s = awaitStatus(a, st -> st.running());
    assertThat(s.sourcePort()).isEqualTo(b.port);
    assertThat(s.readOnly()).isTrue();
    assertThat(c.manager.replication().status().sourcePort()).isEqualTo(b.port);
    await(() -> b.manager.probe().role() == Probe.Role.PRIMARY, "B reports PRIMARY");
    assertThat(a.checksums()).isEqualTo(b.checksums()).isEqualTo(c.checksums());
  }

  @Test
  @Order(5)
  void connectorEscapesThePasswordInBothSqlModes() throws Exception {
    SourceEndpoint toB = new SourceEndpoint("127.0.0.1", b.port, USER, PASSWORD);
    try (Connection conn = c.connect();
        Statement st = conn.createStatement()) {
      st.execute("SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')");
      st.execute("STOP SLAVE");
      ChangeMaster.to(conn, toB, false);
      st.execute("START SLAVE");
    }
    assertThat(Files.readAllLines(c.dataDir.resolve("master.info")).get(5))
        .isEqualTo(PASSWORD.reveal());
    b.sql("INSERT INTO app.t VALUES (1008, 'after NO_BACKSLASH_ESCAPES')");
    awaitRows(c, 1008);
  }

  @Test
  @Order(6)
  void aReplicaStoppedOnAnErrorIsReportedAndAnAttachRepairsIt() throws Exception {
    awaitRows(a, 1008);
    a.sql(
        "SET sql_log_bin = 0", "INSERT INTO app.t VALUES (2000, 'conflicting row on the replica')");
    b.sql("INSERT INTO app.t VALUES (2000, 'same key on the source')");
    ReplicationStatus s = awaitStatus(a, st -> !st.lastError().isEmpty());
    assertThat(s.running()).isFalse();
    assertThat(s.lastError()).contains("Duplicate entry '2000'");
    Probe probe = a.manager.probe();
    assertThat(probe.health()).isEqualTo(Probe.Health.HEALTHY);
    assertThat(probe.role()).isEqualTo(Probe.Role.REPLICA);
    assertThat(probe.detail())
        .startsWith("replication stopped on an error: ")
        .contains("Duplicate entry '2000'");
    assertThat(probe.metrics()).containsEntry("replication_running", 0.0);
    // received but not applied: promoting it would lose a transaction
    expect(Code.FAILED_PRECONDITION, "", () -> a.manager.replication().promote());
    expect(
        Code.UNAVAILABLE,
        "",
        () ->
            a.manager
                .replication()
                .awaitPosition(b.query("SELECT @@gtid_binlog_pos").get(0), Duration.ofMillis(300)));

    a.sql("SET sql_log_bin = 0", "DELETE FROM app.t WHERE id = 2000");
    a.manager.replication().attach(source(b, Map.of(), false), NO_RESTART);
    await(
        () -> {
          try {
            return a.query("SELECT note FROM app.t WHERE id = 2000")
                .equals(List.of("same key on the source"));
          } catch (SQLException e) {
            return false;
          }
        },
        "the source's row 2000 on A");
    assertThat(awaitStatus(a, ReplicationStatus::running).lastError()).isEmpty();
    assertThat(a.manager.probe().detail()).isEmpty();
  }

  @Test
  @Order(7)
  void passwordRotationNeedsTheReplicasReattachedAndAReplicaKeepsItsBinlogClean() throws Exception {
    // on a replica, the account statements stay out of its binary log (it must hold only the
    // source's)
    String cBinlog = c.query("SELECT @@gtid_binlog_pos").get(0);
    c.manager.replication().prepareSource(USER, PASSWORD);
    assertThat(c.query("SELECT @@gtid_binlog_pos")).containsExactly(cBinlog);

    b.manager.replication().prepareSource(USER, ROTATED);
    c.sql("STOP SLAVE", "START SLAVE"); // a reconnect: master.info still has the old password
    ReplicationStatus s = awaitStatus(c, st -> !st.lastError().isEmpty());
    assertThat(s.lastError()).contains("Access denied for user 'coffer_repl'");
    assertThat(c.manager.probe().detail())
        .startsWith("replication is not running: ")
        .contains("Access denied");
    c.manager
        .replication()
        .attach(
            new ReplicationSource("127.0.0.1", b.port, USER, ROTATED, Map.of(), false), NO_RESTART);
    awaitStatus(c, ReplicationStatus::running);
    a.manager
        .replication()
        .attach(
            new ReplicationSource("127.0.0.1", b.port, USER, ROTATED, Map.of(), false), NO_RESTART);
    b.sql("INSERT INTO app.t VALUES (1009, 'after the rotation')");
    awaitRows(c, 1009);
    awaitRows(a, 1009);
  }

  @Test
  @Order(8)
  void switchingBackDemotesAFormerReplicaWhoseReplicaPositionIsStale() throws Exception {
    // B replicated from A before its promote: its gtid_slave_pos is older than what it committed
    // since
    assertThat(b.query("SELECT @@gtid_slave_pos = @@gtid_binlog_pos")).containsExactly("0");
    String fenced = b.manager.replication().fence(NO_RESTART);
    a.manager.replication().awaitPosition(fenced, Duration.ofSeconds(10));
    c.manager.replication().awaitPosition(fenced, Duration.ofSeconds(10));
    a.manager.replication().promote();
    a.manager.replication().prepareSource(USER, PASSWORD);
    c.manager.replication().attach(source(a, Map.of(), true), NO_RESTART);
    b.manager.replication().attach(source(a, Map.of(), false), NO_RESTART);
    a.sql("INSERT INTO app.t VALUES (1010, 'back on A')");
    awaitRows(b, 1010);
    awaitRows(c, 1010);
    assertThat(b.manager.replication().status().lastError()).isEmpty();
    assertThat(b.query("SELECT COUNT(*) FROM app.t")).containsExactly("1011"); // 1..1010 and 2000
    assertThat(a.checksums()).isEqualTo(b.checksums()).isEqualTo(c.checksums());
  }

  @Test
  @Order(9)
  void badInputIsRefusedNamingTheFieldAndChangesNothing() throws Exception {
    ReplicationStrategy rc = c.manager.replication();
    ReplicationStatus before = rc.status();
    for (String host :
        List.of(
            "127.0.0.1'; STOP SLAVE; --",
            "my host",
            "",
            "a..b",
            "-a.b",
            "300.1.1.1",
            "1.2.3.4.5",
            "x".repeat(64) + ".org",
            "host_name",
            "::1'")) {
      expect(
          Code.INVALID_ARGUMENT,
          "source.host",
          () ->
              rc.attach(
                  new ReplicationSource(host, b.port, USER, PASSWORD, Map.of(), false),
                  NO_RESTART));
    }
    for (int port : new int[] {0, -1, 65536}) {
      expect(
          Code.INVALID_ARGUMENT,
          "source.port",
          () ->
              rc.attach(
                  new ReplicationSource("127.0.0.1", port, USER, PASSWORD, Map.of(), false),
                  NO_RESTART));
    }
    for (String user : List.of("root", "app", "coffer_x'y", "", "coffer_" + "x".repeat(80))) {
      expect(
          Code.INVALID_ARGUMENT,
          "source.user",
          () ->
              rc.attach(
                  new ReplicationSource("127.0.0.1", b.port, user, PASSWORD, Map.of(), false),
                  NO_RESTART));
      expect(Code.INVALID_ARGUMENT, "user", () -> rc.prepareSource(user, PASSWORD));
    }
    for (Secret password :
        List.of(Secret.of(""), Secret.of("x".repeat(97)), Secret.of("line\nbreak"))) {
      expect(
          Code.INVALID_ARGUMENT,
          "source.password",
          () ->
              rc.attach(
                  new ReplicationSource("127.0.0.1", b.port, USER, password, Map.of(), false),
                  NO_RESTART));
      expect(Code.INVALID_ARGUMENT, "password", () -> rc.prepareSource(USER, password));
    }
    expect(
        Code.INVALID_ARGUMENT,
        "source.positions.gtid_set",
        () ->
            rc.attach(
                new ReplicationSource(
                    "127.0.0.1",
                    b.port,
                    USER,
                    PASSWORD,
                    Map.of(POSITION_GTID_SET, "0-1-2'; DROP TABLE x"),
                    false),
                NO_RESTART));
    expect(
        Code.INVALID_ARGUMENT, "position", () -> rc.awaitPosition("latest", Duration.ofSeconds(1)));
    expect(Code.INVALID_ARGUMENT, "timeout", () -> rc.awaitPosition("0-1-1", Duration.ZERO));

    ReplicationStatus after = rc.status();
    assertThat(
            List.of(
                after.role(),
                after.sourceHost(),
                after.sourcePort(),
                after.running(),
                after.readOnly()))
        .isEqualTo(
            List.of(
                before.role(),
                before.sourceHost(),
                before.sourcePort(),
                before.running(),
                before.readOnly()));
    a.sql("INSERT INTO app.t VALUES (1011, 'after the bad requests')");
    awaitRows(c, 1011);
  }

  @Test
  @Order(10)
  void replicationErrorsNeverShowStatements() {
    assertThat(
            ReplicationSnapshot.operatorSafe(
                "Error 'Operation ALTER USER failed for 'coffer_repl'@'%'' on query."
                    + " Default database: ''. Query: 'ALTER USER coffer_repl@'%' IDENTIFIED BY 'secret''"))
        .isEqualTo(
            "Error 'Operation ALTER USER failed for 'coffer_repl'@'%'' on query. Default database: ''."
                + " (statement not shown)")
        .doesNotContain("secret");
    assertThat(ReplicationSnapshot.operatorSafe("a\nb " + "x".repeat(600)))
        .hasSize(512)
        .startsWith("a b x");
    assertThat(GtidPosition.check("p", " 0-1-5, 1-2-3 ")).isEqualTo("0-1-5,1-2-3");
    assertThat(GtidPosition.check("p", "")).isEmpty();
    assertThat(SourceEndpoint.host("h", "DB-1.Example.org")).isEqualTo("db-1.example.org");
    assertThat(SourceEndpoint.host("h", "::1")).isEqualTo("::1");
  }

  // ---- helpers ----

  private TestInstance start(String name) {
    try {
      TestInstance i = TestInstance.start(name);
      synchronized (instances) {
        instances.add(i);
      }
      return i;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ReplicationSource source(
      TestInstance of, Map<String, String> positions, boolean semiSync) {
    return new ReplicationSource("127.0.0.1", of.port, USER, PASSWORD, positions, semiSync);
  }

  private static void assertReadOnlyFor(TestInstance i) {
    assertThatThrownBy(
            () -> {
              try (Connection app = i.tcp("app", "app-pw");
                  Statement st = app.createStatement()) {
                st.executeUpdate("INSERT INTO app.t VALUES (999999, 'must not be written')");
              }
            })
        .isInstanceOf(SQLException.class)
        .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1290));
  }

  private static void awaitRows(TestInstance i, int rows) throws Exception {
    await(
        () -> {
          try {
            return i.query("SELECT COUNT(*) FROM app.t WHERE id <= 1999")
                .get(0)
                .equals(Integer.toString(rows));
          } catch (SQLException e) {
            return false;
          }
        },
        i.base.getFileName() + " has " + rows + " rows");
  }

  private static ReplicationStatus awaitStatus(TestInstance i, Predicate<ReplicationStatus> wanted)
      throws Exception {
    ReplicationStatus[] last = new ReplicationStatus[1];
    await(
        () -> wanted.test(last[0] = i.manager.replication().status()),
        "status of " + i.base.getFileName());
    return last[0];
  }

  private static String statusVar(TestInstance i, String name) {
    try {
      return i.query("SHOW GLOBAL STATUS LIKE '" + name + "'").get(0).split("\\|")[1];
    } catch (SQLException e) {
      return "";
    }
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long end = System.nanoTime() + CONVERGE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not within " + CONVERGE.toSeconds() + " s: " + what);
      }
      Thread.sleep(100);
    }
  }

  private static void expect(Code code, String field, ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            DatastoreException.class,
            e -> {
              assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
              assertThat(e.field()).as(e.getMessage()).isEqualTo(field);
            });
  }
}
