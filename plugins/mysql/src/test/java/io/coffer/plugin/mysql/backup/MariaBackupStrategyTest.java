package io.coffer.plugin.mysql.backup;

import static io.coffer.spi.backup.BackupManifest.POSITION_BINLOG_FILE;
import static io.coffer.spi.backup.BackupManifest.POSITION_BINLOG_OFFSET;
import static io.coffer.spi.backup.BackupManifest.POSITION_GTID_SET;
import static io.coffer.spi.backup.BackupManifest.POSITION_LSN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.plugin.kit.datadir.DataDirSwap;
import io.coffer.plugin.mysql.backup.RuntimeStandIn.Stored;
import io.coffer.spi.Database;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.DatastoreException.Code;
import io.coffer.spi.Secret;
import io.coffer.spi.UserAccount;
import io.coffer.spi.backup.BackupManifest;
import io.coffer.spi.backup.BackupRequest;
import io.coffer.spi.backup.BackupSource;
import io.coffer.spi.backup.BackupType;
import io.coffer.spi.backup.RestoreRequest;
import io.coffer.spi.backup.RestoreSession;
import io.coffer.spi.backup.ServerControl;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Backs up a real mariadbd and restores into fresh ones, with {@link RuntimeStandIn} in the
 * runtime's place. One source instance is shared (tests run in order and add to it); every restore
 * goes into a new instance. Skipped when MariaDB or its backup tools are missing.
 */
@org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MariaBackupStrategyTest {

  private TestInstance source;
  private Path work;
  private RuntimeStandIn runtime;
  private Stored firstFull;

  @BeforeAll
  void startSource() throws Exception {
    source = TestInstance.start("source");
    work = Files.createTempDirectory("coffer-backup-work-");
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    runtime = new RuntimeStandIn(work);
    // A few MB over InnoDB (text and random binary), MyISAM and Aria, in two databases.
    source.sql(
        "CREATE DATABASE shop",
        "CREATE TABLE shop.orders (id INT PRIMARY KEY, customer VARCHAR(40), note VARCHAR(200), created DATETIME)"
            + " ENGINE=InnoDB",
        "INSERT INTO shop.orders SELECT seq, CONCAT('customer-', seq % 977), REPEAT(MD5(seq), 3),"
            + " '2024-01-01' + INTERVAL seq MINUTE FROM shop.seq_1_to_20000",
        "CREATE TABLE shop.blobs (id INT PRIMARY KEY, payload BLOB) ENGINE=InnoDB",
        "INSERT INTO shop.blobs SELECT seq, CONCAT(RANDOM_BYTES(1024), RANDOM_BYTES(1024), RANDOM_BYTES(1024))"
            + " FROM shop.seq_1_to_400",
        "CREATE TABLE shop.legacy (id INT PRIMARY KEY, v VARCHAR(100)) ENGINE=MyISAM",
        "INSERT INTO shop.legacy SELECT seq, SHA2(seq, 256) FROM shop.seq_1_to_5000",
        "CREATE TABLE shop.doomed (id INT PRIMARY KEY) ENGINE=InnoDB",
        "INSERT INTO shop.doomed SELECT seq FROM shop.seq_1_to_100",
        "CREATE DATABASE `app-db` CHARACTER SET utf8mb4",
        "CREATE TABLE `app-db`.log (id INT AUTO_INCREMENT PRIMARY KEY, msg TEXT) ENGINE=Aria",
        "INSERT INTO `app-db`.log (msg) SELECT CONCAT('line ', seq, ' é ✓') FROM shop.seq_1_to_3000");
  }

  @AfterAll
  void stopSource() throws IOException {
    if (source != null) {
      source.close();
    }
    if (work != null) {
      try (Stream<Path> tree = Files.walk(work)) {
        for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** The first full backup, taken once and reused by tests that only need some real backup. */
  private Stored firstFull() throws IOException {
    if (firstFull == null) {
      firstFull = runtime.backup(source.manager, "full-1", BackupType.FULL, null);
    }
    return firstFull;
  }

  @Test
  @Order(1)
  void fullBackupRestoresIntoAFreshInstanceWithEqualChecksums() throws Exception {
    Map<String, String> before = source.checksums();
    assertThat(before).containsKeys("shop.orders", "shop.blobs", "shop.legacy", "app-db.log");

    Stored full = firstFull();
    BackupManifest m = full.manifest();
    assertThat(m.tool()).isEqualTo("mariadb-backup");
    assertThat(m.toolVersion()).matches("\\d+\\.\\d+\\.\\d+-MariaDB");
    assertThat(m.positions())
        .containsKeys(
            POSITION_LSN,
            BackupMetadata.FROM_LSN,
            POSITION_BINLOG_FILE,
            POSITION_BINLOG_OFFSET,
            POSITION_GTID_SET);
    assertThat(m.positions().get(POSITION_LSN)).matches("[1-9][0-9]*");
    assertThat(m.positions().get(BackupMetadata.FROM_LSN)).isEqualTo("0");
    assertThat(m.positions().get(POSITION_BINLOG_FILE)).startsWith("mariadb-bin.");
    assertThat(m.positions().get(POSITION_BINLOG_OFFSET)).matches("[1-9][0-9]*");
    // domain-server_id-sequence; the server id is the one derived from the instance id
    String serverId = source.query("SELECT @@server_id").get(0);
    assertThat(m.positions().get(POSITION_GTID_SET)).matches("0-" + serverId + "-[1-9][0-9]*");
    assertThat(Files.size(full.data())).isGreaterThan(3L << 20);

    try (TestInstance target = TestInstance.start("full")) {
      TestInstance.Control control = target.control();
      runtime.restore(target.manager, List.of(full), control);
      assertThat(control.stops.get()).isEqualTo(1);
      assertThat(control.starts.get()).isEqualTo(1);
      assertThat(target.checksums()).isEqualTo(before);
      assertThat(target.manager.databases().list())
          .extracting(Database::name)
          .containsExactlyInAnyOrder("shop", "app-db");
      assertThat(target.dataDir.resolve(DataDirSwap.ASIDE)).doesNotExist();
      assertThat(target.dataDir.resolve(DataDirSwap.INCOMING)).doesNotExist();
      assertThat(Files.getOwner(target.dataDir.resolve("shop/orders.ibd")).getName())
          .isEqualTo(osUserOfServer(target));
      // the restored server keeps its own identity and writes its own binary log
      assertThat(target.query("SELECT @@server_id").get(0)).isNotEqualTo(serverId);
      target.sql("INSERT INTO shop.orders (id) VALUES (100000)");
    }
  }

  @Test
  @Order(2)
  void fullAndTwoIncrementalsRestoreToTheLastOne() throws Exception {
    Stored base = runtime.backup(source.manager, "chain-0", BackupType.FULL, null);
    source.sql(
        "INSERT INTO shop.orders SELECT seq, 'late', MD5(seq), NOW() FROM shop.seq_20001_to_25000",
        "UPDATE shop.legacy SET v = 'changed' WHERE id % 7 = 0",
        "DELETE FROM shop.blobs WHERE id <= 50");
    Stored inc1 = runtime.backup(source.manager, "chain-1", BackupType.INCREMENTAL, base);
    source.sql(
        "CREATE TABLE shop.added (id INT PRIMARY KEY, v TEXT) ENGINE=InnoDB",
        "INSERT INTO shop.added SELECT seq, REPEAT('x', seq % 100) FROM shop.seq_1_to_2000",
        "UPDATE shop.orders SET note = 'second' WHERE id % 3 = 0",
        "DROP TABLE shop.doomed",
        "INSERT INTO `app-db`.log (msg) VALUES ('after the first incremental')");
    Stored inc2 = runtime.backup(source.manager, "chain-2", BackupType.INCREMENTAL, inc1);
    Map<String, String> expected = source.checksums();
    assertThat(expected).containsKey("shop.added").doesNotContainKey("shop.doomed");

    assertThat(inc1.manifest().positions().get(BackupMetadata.FROM_LSN))
        .isEqualTo(base.manifest().positions().get(POSITION_LSN));
    assertThat(inc2.manifest().positions().get(BackupMetadata.FROM_LSN))
        .isEqualTo(inc1.manifest().positions().get(POSITION_LSN));
    assertThat(inc2.manifest().positions())
        .containsKeys(POSITION_BINLOG_FILE, POSITION_BINLOG_OFFSET, POSITION_GTID_SET);
    assertThat(gtidSequence(inc2))
        .isGreaterThan(gtidSequence(inc1))
        .isGreaterThan(gtidSequence(base));
    assertThat(Files.size(inc1.data())).isLessThan(Files.size(base.data()));

    try (TestInstance target = TestInstance.start("chain")) {
      runtime.restore(target.manager, List.of(base, inc1, inc2), target.control());
      assertThat(target.checksums()).isEqualTo(expected);
    }
  }

  /** The OS account mariadbd runs as (the owner of its pid file). */
  private static String osUserOfServer(TestInstance instance) throws IOException {
    return Files.getOwner(instance.base.resolve("run/mysqld.pid")).getName();
  }

  private static long gtidSequence(Stored backup) {
    String gtid = backup.manifest().positions().get(POSITION_GTID_SET);
    return Long.parseLong(gtid.substring(gtid.lastIndexOf('-') + 1));
  }

  @Test
  @Order(3)
  void logicalBackupCarriesRoutinesTriggersEventsViewsAndUserAccountsButNoInternalOnes()
      throws Exception {
    source.sql(
        "CREATE PROCEDURE shop.order_count(OUT n INT) BEGIN SELECT COUNT(*) INTO n FROM shop.orders; END",
        "CREATE FUNCTION shop.double_it(x INT) RETURNS INT DETERMINISTIC RETURN x * 2",
        "CREATE TABLE shop.audit (id INT AUTO_INCREMENT PRIMARY KEY, order_id INT) ENGINE=InnoDB",
        "CREATE TRIGGER shop.orders_audit AFTER INSERT ON shop.orders FOR EACH ROW"
            + " INSERT INTO shop.audit (order_id) VALUES (NEW.id)",
        "CREATE EVENT shop.nightly ON SCHEDULE EVERY 1 DAY DO DELETE FROM shop.audit WHERE id < 0",
        "CREATE VIEW shop.big_orders AS SELECT id FROM shop.orders WHERE id > 24000");
    source
        .manager
        .users()
        .create(new UserAccount("alice", "%", List.of("shop")), Secret.of("alice-pw-1"));
    source
        .manager
        .users()
        .create(new UserAccount("bob", "127.0.0.1", List.of()), Secret.of("bob-pw-2"));
    // grants on a table and a routine can only be replayed once those exist
    source.sql(
        "GRANT SELECT ON shop.orders TO 'alice'@'%'",
        "GRANT EXECUTE ON PROCEDURE shop.order_count TO 'bob'@'127.0.0.1'");
    source
        .manager
        .root()
        .enable(Secret.of("a-Root-password-1")); // root@'%' is internal: it must not travel
    Map<String, String> before = source.checksums();

    Stored dump = runtime.backup(source.manager, "logical-1", BackupType.LOGICAL, null);
    assertThat(dump.manifest().tool()).isEqualTo("mariadb-dump");
    assertThat(dump.manifest().toolVersion()).matches("\\d+\\.\\d+\\.\\d+-MariaDB");
    assertThat(dump.manifest().positions())
        .containsOnlyKeys(POSITION_BINLOG_FILE, POSITION_BINLOG_OFFSET, POSITION_GTID_SET);
    assertThat(dump.manifest().positions().get(POSITION_BINLOG_FILE)).startsWith("mariadb-bin.");
    assertThat(dump.manifest().positions().get(POSITION_GTID_SET)).matches("0-\\d+-[1-9][0-9]*");
    // accounts: alice and bob only (`root`@`localhost` still appears, as the DEFINER of routines)
    List<String> accountStatements =
        Files.readAllLines(dump.data(), StandardCharsets.ISO_8859_1).stream()
            .filter(line -> line.startsWith("CREATE USER") || line.startsWith("GRANT"))
            .toList();
    assertThat(accountStatements)
        .hasSize(7)
        .allMatch(line -> line.contains(" `alice`@`%`") || line.contains(" `bob`@`127.0.0.1`"));

    try (TestInstance target = TestInstance.start("logical")) {
      TestInstance.Control control = target.control();
      runtime.restore(target.manager, List.of(dump), control);
      assertThat(control.stops.get()).isZero(); // a logical restore runs online
      assertThat(target.checksums()).isEqualTo(before);
      assertThat(
              target.query(
                  "SELECT ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = 'shop'"))
          .containsExactlyInAnyOrder("order_count", "double_it");
      assertThat(target.query("SELECT EVENT_NAME FROM information_schema.EVENTS"))
          .containsExactly("nightly");
      assertThat(target.query("SELECT shop.double_it(21), (SELECT COUNT(*) FROM shop.big_orders)"))
          .containsExactly("42|1000");
      target.sql("INSERT INTO shop.orders (id, customer) VALUES (999999, 'trigger check')");
      assertThat(target.query("SELECT COUNT(*) FROM shop.audit WHERE order_id = 999999"))
          .containsExactly("1");

      assertThat(target.manager.users().list())
          .containsExactlyInAnyOrder(
              new UserAccount("alice", "%", List.of("shop")),
              new UserAccount("bob", "127.0.0.1", List.of()));
      assertThat(target.query("SHOW GRANTS FOR 'alice'@'%'"))
          .contains("GRANT SELECT ON `shop`.`orders` TO `alice`@`%`");
      assertThat(target.query("SHOW GRANTS FOR 'bob'@'127.0.0.1'"))
          .contains("GRANT EXECUTE ON PROCEDURE `shop`.`order_count` TO `bob`@`127.0.0.1`");
      try (Connection alice = target.tcp("alice", "alice-pw-1")) {
        assertThat(alice.isValid(2)).isTrue();
      }
      assertThat(target.query("SELECT COUNT(*) FROM mysql.user WHERE User = 'root' AND Host = '%'"))
          .containsExactly("0");
      // root@localhost is still the target's own (unix_socket): the plugin still administers it
      assertThat(target.manager.databases().list())
          .extracting(Database::name)
          .contains("shop", "app-db");
    }
  }

  @Test
  @Order(4)
  void restoreIntoANonEmptyInstanceIsRefusedAndChangesNothing() throws Exception {
    try (TestInstance target = TestInstance.start("nonempty")) {
      target.manager.databases().create(Database.named("keep"));
      target.sql("CREATE TABLE keep.t (x INT) ENGINE=InnoDB", "INSERT INTO keep.t VALUES (1)");
      List<String> listing = target.dataDirListing();
      long pid = target.serverPid();
      BackupManifest full = synthetic("some-full", BackupType.FULL, target.manager.serverVersion());

      expect(Code.FAILED_PRECONDITION, "", () -> restore(target, full))
          .hasMessageContaining("restore needs an empty instance")
          .hasMessageContaining("keep");
      assertThat(target.dataDirListing()).isEqualTo(listing);
      assertThat(target.serverPid()).isEqualTo(pid);
      assertThat(target.serverAlive()).isTrue();
      assertThat(target.query("SELECT x FROM keep.t")).containsExactly("1");

      // an account alone makes it non-empty too
      target.manager.databases().delete("keep");
      target
          .manager
          .users()
          .create(new UserAccount("carol", "%", List.of()), Secret.of("carol-pw"));
      expect(Code.FAILED_PRECONDITION, "", () -> restore(target, full))
          .hasMessageContaining("1 user account (carol@%)");
      assertThat(target.manager.users().list())
          .extracting(UserAccount::name)
          .containsExactly("carol");
    }
  }

  @Test
  @Order(5)
  void aCorruptOrTruncatedStreamFailsStagingAndLeavesTheInstanceUntouched() throws Exception {
    Stored full = firstFull();
    try (TestInstance target = TestInstance.start("garbage")) {
      List<String> listing = target.dataDirListing();
      long pid = target.serverPid();
      byte[] garbage = new byte[256 << 10];
      new Random(42).nextBytes(garbage);

      assertThatThrownBy(() -> stage(target, full.manifest(), new ByteArrayInputStream(garbage)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("mbstream");
      long half = Files.size(full.data()) / 2;
      assertThatThrownBy(() -> stage(target, full.manifest(), truncated(full.data(), half)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("mbstream");
      assertThatThrownBy(() -> stage(target, full.manifest(), InputStream.nullInputStream()))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("not a complete mariadb-backup stream");
      // the runtime's integrity error surfaces as it is (the runtime maps it to DATA_LOSS)
      IOException integrity = new IOException("segment 3 failed authentication");
      assertThatThrownBy(
              () -> stage(target, full.manifest(), failingAfter(full.data(), 1 << 20, integrity)))
          .isSameAs(integrity);
      // a well-formed stream of the wrong backup is refused by its metadata
      BackupManifest otherLsn =
          new BackupManifest(
              1,
              "full-1",
              "mysql",
              full.manifest().engineVersion(),
              "mariadb-backup",
              "",
              BackupType.FULL,
              null,
              Map.of(POSITION_LSN, "1"),
              1,
              1,
              1,
              "0".repeat(64),
              "none",
              "none",
              "k",
              Instant.now(),
              Instant.now());
      assertThatThrownBy(() -> stage(target, otherLsn, Files.newInputStream(full.data())))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("does not match its manifest");

      assertThat(target.dataDirListing()).isEqualTo(listing);
      assertThat(target.serverPid()).isEqualTo(pid);
      assertThat(target.serverAlive()).isTrue();
      assertThat(target.manager.databases().list()).isEmpty();
    }
  }

  @Test
  @Order(6)
  void unusableParentsAndChainsAreInvalidArguments() throws Exception {
    Path scratch = Files.createDirectories(work.resolve("scratch-bad-parent"));
    String version = source.manager.serverVersion();
    List<BackupManifest> badParents =
        List.of(
            synthetic("logical-parent", BackupType.LOGICAL, version),
            withEngine(synthetic("pg-parent", BackupType.FULL, version), "postgresql"),
            withPositions(
                synthetic("no-lsn", BackupType.FULL, version),
                Map.of(POSITION_BINLOG_FILE, "mariadb-bin.000001")),
            withPositions(
                synthetic("bad-lsn", BackupType.INCREMENTAL, version),
                Map.of(POSITION_LSN, "12; rm -rf /")));
    for (BackupManifest parent : badParents) {
      expect(
              Code.INVALID_ARGUMENT,
              "parent_id",
              () ->
                  source
                      .manager
                      .backup()
                      .open(new BackupRequest("inc-x", BackupType.INCREMENTAL, parent, scratch)))
          .hasMessageContaining(parent.backupId());
    }
    try (Stream<Path> left = Files.list(scratch)) {
      assertThat(left).as("nothing was started").isEmpty();
    }

    BackupManifest full = synthetic("f", BackupType.FULL, version);
    BackupManifest inc = withParent(synthetic("i", BackupType.INCREMENTAL, version), "f");
    List<List<BackupManifest>> badChains =
        List.of(
            List.of(withEngine(full, "postgresql")),
            List.of(inc),
            List.of(synthetic("l", BackupType.LOGICAL, version), inc),
            List.of(full, withParent(synthetic("i2", BackupType.INCREMENTAL, version), "other")),
            List.of(synthetic("old", BackupType.FULL, "10.6.16-MariaDB")));
    for (List<BackupManifest> chain : badChains) {
      // checked before emptiness: the source is far from empty
      expect(
          Code.INVALID_ARGUMENT,
          "backup_id",
          () -> source.manager.backup().restore(new RestoreRequest(chain, scratch)));
    }
  }

  @Test
  @Order(7)
  void closeKillsARunningBackupTool() throws Exception {
    Path scratch = Files.createDirectories(work.resolve("scratch-killed"));
    BackupSource running =
        source.manager.backup().open(new BackupRequest("killed", BackupType.FULL, null, scratch));
    ProcessHandle tool = ProcessHandle.of(((PhysicalBackupSource) running).pid()).orElseThrow();
    assertThat(running.stream().readNBytes(64 << 10)).hasSize(64 << 10);
    assertThat(tool.isAlive()).isTrue();

    running.close();
    assertThat(tool.isAlive()).isFalse();
    assertThat(ProcessHandle.of(tool.pid()).filter(ProcessHandle::isAlive)).isEmpty();
    assertThatThrownBy(running::finish)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("killed");
    running.close(); // idempotent
    // the server let go of the tool's backup locks
    source.sql("INSERT INTO shop.orders (id) VALUES (777777)");
  }

  @Test
  @Order(8)
  void whenTheRestoredServerDoesNotStartTheOldDataComesBack() throws Exception {
    Stored full = firstFull();
    try (TestInstance target = TestInstance.start("rollback")) {
      List<String> listing = target.dataDirListing();
      ServerControl real = target.control();
      AtomicBoolean failed = new AtomicBoolean();
      ServerControl failsOnce =
          new ServerControl() {
            @Override
            public void stop() {
              real.stop();
            }

            @Override
            public void start(Duration timeout) {
              if (failed.compareAndSet(false, true)) {
                throw DatastoreException.unavailable(
                    "simulated: MariaDB did not become ready", null);
              }
              real.start(timeout);
            }
          };
      assertThatThrownBy(() -> runtime.restore(target.manager, List.of(full), failsOnce))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("put back as it was")
          .hasMessageContaining("simulated: MariaDB did not become ready");
      assertThat(target.serverAlive()).isTrue();
      assertThat(target.manager.databases().list()).isEmpty();
      assertThat(target.dataDirListing()).isEqualTo(listing);
      assertThat(target.dataDir.resolve(DataDirSwap.ASIDE)).doesNotExist();
      assertThat(target.dataDir.resolve(DataDirSwap.INCOMING)).doesNotExist();
    }
  }

  @Test
  @Order(9)
  void aFailingLogicalRestoreLeavesTheInstanceEmpty() throws Exception {
    try (TestInstance target = TestInstance.start("badsql")) {
      // a backup of an empty instance is valid, and restores as empty
      Stored empty = runtime.backup(target.manager, "logical-empty", BackupType.LOGICAL, null);
      assertThat(empty.manifest().positions()).isEmpty();
      runtime.restore(target.manager, List.of(empty), target.control());
      assertThat(target.manager.databases().list()).isEmpty();

      Path data = work.resolve("bad.sql");
      Files.writeString(
          data,
          "CREATE DATABASE half_done;\nCREATE TABLE half_done.t (x INT);\n"
              + "INSERT INTO half_done.t VALUES (1);\nCREATE USER 'u1'@'%' IDENTIFIED BY 'pw';\n"
              + "INSERT INTO half_done.t VALUES ('secret-row-value', 2);\n");
      Stored bad =
          new Stored(
              RuntimeStandIn.manifest(
                  "bad-logical",
                  target.manager.serverVersion(),
                  "mariadb-dump",
                  "",
                  BackupType.LOGICAL,
                  null,
                  Map.of(),
                  Files.size(data),
                  Instant.now()),
              data);
      assertThatThrownBy(() -> runtime.restore(target.manager, List.of(bad), target.control()))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("ERROR 1136") // column count does not match
          .hasMessageContaining("empty again")
          .hasMessageNotContaining("secret-row-value"); // the failing statement is not echoed
      assertThat(target.manager.databases().list()).isEmpty();
      assertThat(target.manager.users().list()).isEmpty();
    }
  }

  // ---- helpers ----

  private void restore(TestInstance target, BackupManifest backup) throws IOException {
    Path scratch = Files.createTempDirectory(work, "restore-");
    target.manager.backup().restore(new RestoreRequest(List.of(backup), scratch)).close();
  }

  private void stage(TestInstance target, BackupManifest backup, InputStream stream)
      throws IOException {
    Path scratch = Files.createTempDirectory(work, "stage-");
    try (RestoreSession session =
            target.manager.backup().restore(new RestoreRequest(List.of(backup), scratch));
        stream) {
      session.stage(backup, stream);
    }
  }

  private static InputStream truncated(Path file, long bytes) throws IOException {
    return new ByteArrayInputStream(Files.readAllBytes(file), 0, (int) bytes);
  }

  private static InputStream failingAfter(Path file, int bytes, IOException failure)
      throws IOException {
    byte[] head = Files.readAllBytes(file);
    return new InputStream() {
      private int pos;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (pos >= bytes) {
          throw failure;
        }
        int n = Math.min(len, bytes - pos);
        System.arraycopy(head, pos, b, off, n);
        pos += n;
        return n;
      }
    };
  }

  private static BackupManifest synthetic(String id, BackupType type, String engineVersion) {
    return new BackupManifest(
        1,
        id,
        "mysql",
        engineVersion,
        "test",
        "",
        type,
        type == BackupType.INCREMENTAL ? "parent" : null,
        Map.of(POSITION_LSN, "12345"),
        1,
        1,
        1,
        "0".repeat(64),
        "none",
        "none",
        "k",
        Instant.now(),
        Instant.now());
  }

  private static BackupManifest withEngine(BackupManifest m, String engine) {
    return new BackupManifest(
        1,
        m.backupId(),
        engine,
        m.engineVersion(),
        m.tool(),
        m.toolVersion(),
        m.type(),
        m.parentId(),
        m.positions(),
        1,
        1,
        1,
        m.sha256(),
        "none",
        "none",
        "k",
        m.startedAt(),
        m.finishedAt());
  }

  private static BackupManifest withPositions(BackupManifest m, Map<String, String> positions) {
    return new BackupManifest(
        1,
        m.backupId(),
        m.engine(),
        m.engineVersion(),
        m.tool(),
        m.toolVersion(),
        m.type(),
        m.parentId(),
        positions,
        1,
        1,
        1,
        m.sha256(),
        "none",
        "none",
        "k",
        m.startedAt(),
        m.finishedAt());
  }

  private static BackupManifest withParent(BackupManifest m, String parentId) {
    return new BackupManifest(
        1,
        m.backupId(),
        m.engine(),
        m.engineVersion(),
        m.tool(),
        m.toolVersion(),
        m.type(),
        parentId,
        m.positions(),
        1,
        1,
        1,
        m.sha256(),
        "none",
        "none",
        "k",
        m.startedAt(),
        m.finishedAt());
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
}
