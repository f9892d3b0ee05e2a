package io.coffer.plugin.postgresql.backup;

import static io.coffer.spi.backup.BackupManifest.POSITION_LSN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.plugin.kit.datadir.DataDirSwap;
import io.coffer.plugin.postgresql.TestServer;
import io.coffer.plugin.postgresql.backup.RuntimeStandIn.Stored;
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
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Backs up a real PostgreSQL 15 and restores into fresh ones, with {@link RuntimeStandIn} in the
 * runtime's place. One source instance is shared; every restore goes into a new instance. Skipped
 * when PostgreSQL is not installed.
 */
@org.junit.jupiter.api.TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresqlBackupStrategyTest {

  private TestServer source;
  private Path work;
  private RuntimeStandIn runtime;
  private Stored firstFull;

  @BeforeAll
  void startSource() throws Exception {
    source = TestServer.start("source");
    work = Files.createTempDirectory("coffer-pg-backup-work-");
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    runtime = new RuntimeStandIn(work);
    // A few MB in two databases: text, random bytes, a view, a sequence; and a user with access.
    source.manager.databases().create(Database.named("shop"));
    source.manager.databases().create(new Database("app-db", "LATIN1", "C"));
    source.sql(
        "shop",
        "CREATE TABLE orders (id BIGSERIAL PRIMARY KEY, customer TEXT, note TEXT, created TIMESTAMPTZ)",
        "INSERT INTO orders (customer, note, created) SELECT 'customer-' || (g % 977), repeat(md5(g::text), 3),"
            + " '2024-01-01'::timestamptz + g * interval '1 minute' FROM generate_series(1, 20000) g",
        "CREATE TABLE blobs (id INT PRIMARY KEY, payload BYTEA)",
        "INSERT INTO blobs SELECT g, decode(string_agg(md5(g::text || '-' || i), ''), 'hex')"
            + " FROM generate_series(1, 400) g, generate_series(1, 64) i GROUP BY g",
        "CREATE VIEW big_orders AS SELECT id FROM orders WHERE id > 19000");
    source.sql(
        "app-db",
        "CREATE TABLE log (id SERIAL PRIMARY KEY, msg TEXT)",
        "INSERT INTO log (msg) SELECT 'line ' || g FROM generate_series(1, 3000) g");
    source
        .manager
        .users()
        .create(new UserAccount("alice", "%", List.of("shop")), Secret.of("alice-pw-1"));
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
      firstFull = runtime.backup(source.manager, "full-1", BackupType.FULL);
    }
    return firstFull;
  }

  @Test
  @Order(1)
  void fullBackupRestoresIntoAFreshInstanceWithEqualContent() throws Exception {
    Map<String, String> before = source.fingerprint();
    assertThat(before).containsKeys("shop.public.orders", "shop.public.blobs", "app-db.public.log");

    Stored full = firstFull();
    BackupManifest m = full.manifest();
    assertThat(m.tool()).isEqualTo("pg_basebackup");
    assertThat(m.toolVersion()).matches("15\\.\\d+");
    assertThat(m.positions())
        .containsOnlyKeys(POSITION_LSN, BackupPositions.START_LSN, BackupPositions.TIMELINE);
    assertThat(m.positions().get(POSITION_LSN)).matches("[0-9A-F]+/[0-9A-F]+");
    assertThat(m.positions().get(BackupPositions.TIMELINE)).isEqualTo("1");
    assertThat(Files.size(full.data())).isGreaterThan(3L << 20);
    // the temporary slot that held the WAL went with the backup
    assertThat(source.query("postgres", "SELECT slot_name FROM pg_replication_slots")).isEmpty();

    try (TestServer target = TestServer.start("full")) {
      TestServer.Control control = target.control();
      runtime.restore(target.manager, List.of(full), control);
      assertThat(control.stops.get()).isEqualTo(1);
      assertThat(control.starts.get()).isEqualTo(1);
      assertThat(target.fingerprint()).isEqualTo(before);
      assertThat(target.manager.databases().list())
          .extracting(Database::name)
          .containsExactlyInAnyOrder("shop", "app-db");
      assertThat(target.manager.users().list())
          .containsExactly(new UserAccount("alice", "%", List.of("shop")));
      target.tcp("alice", "alice-pw-1", "shop").close();
      assertThat(target.dataDir.resolve(DataDirSwap.ASIDE)).doesNotExist();
      assertThat(target.dataDir.resolve(DataDirSwap.INCOMING)).doesNotExist();
      assertThat(target.dataDir.resolve("backup_manifest")).doesNotExist();
      assertThat(Files.getOwner(target.dataDir.resolve("PG_VERSION")).getName())
          .isEqualTo("postgres");
      assertThat(target.query("shop", "SELECT count(*) FROM big_orders")).containsExactly("1000");
      target.sql("shop", "INSERT INTO orders (customer) VALUES ('after restore')");
      // the admin role still logs in over the target's own socket; its authentication files are its
      // own
      assertThat(target.manager.databases().list()).isNotEmpty();
    }
  }

  @Test
  @Order(2)
  void restoreIntoANonEmptyInstanceIsRefusedAndChangesNothing() throws Exception {
    try (TestServer target = TestServer.start("nonempty")) {
      target.manager.databases().create(Database.named("keep"));
      target.sql("keep", "CREATE TABLE t (x INT)", "INSERT INTO t VALUES (1)");
      long pid = target.serverPid();
      BackupManifest full = synthetic("some-full", target.manager.serverVersion());

      expect(Code.FAILED_PRECONDITION, "", () -> restore(target, full))
          .hasMessageContaining("restore needs an empty instance")
          .hasMessageContaining("keep");
      assertThat(target.serverPid()).isEqualTo(pid);
      assertThat(target.query("keep", "SELECT x FROM t")).containsExactly("1");

      // a role alone makes it non-empty too; root does not
      target.manager.databases().delete("keep");
      target.manager.root().enable(Secret.of("a-Root-password-1"));
      target
          .manager
          .users()
          .create(new UserAccount("carol", "%", List.of()), Secret.of("carol-pw"));
      expect(Code.FAILED_PRECONDITION, "", () -> restore(target, full))
          .hasMessageContaining("1 user role (carol)");
      target.manager.users().delete("carol", "%");
      restore(target, full);
    }
  }

  @Test
  @Order(3)
  void aCorruptOrTruncatedStreamFailsStagingAndLeavesTheInstanceUntouched() throws Exception {
    Stored full = firstFull();
    try (TestServer target = TestServer.start("garbage")) {
      List<String> listing = target.dataDirListing();
      long pid = target.serverPid();
      byte[] garbage = new byte[256 << 10];
      new Random(42).nextBytes(garbage);

      assertThatThrownBy(() -> stage(target, full.manifest(), new ByteArrayInputStream(garbage)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("tar");
      long half = Files.size(full.data()) / 2;
      assertThatThrownBy(() -> stage(target, full.manifest(), truncated(full.data(), half)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("tar");
      assertThatThrownBy(() -> stage(target, full.manifest(), InputStream.nullInputStream()))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("does not look like a tar archive");
      // a valid but empty tar archive (end-of-archive blocks only)
      assertThatThrownBy(
              () -> stage(target, full.manifest(), new ByteArrayInputStream(new byte[10240])))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("not a complete base backup");
      // the runtime's integrity error surfaces as it is (the runtime maps it to DATA_LOSS)
      IOException integrity = new IOException("segment 3 failed authentication");
      assertThatThrownBy(
              () -> stage(target, full.manifest(), failingAfter(full.data(), 1 << 20, integrity)))
          .isSameAs(integrity);
      // a well-formed stream of another backup is refused by its backup_label
      BackupManifest other =
          RuntimeStandIn.manifest(
              "full-1",
              full.manifest().engineVersion(),
              "pg_basebackup",
              "",
              BackupType.FULL,
              Map.of(BackupPositions.START_LSN, "0/1000028"),
              1,
              Instant.now());
      assertThatThrownBy(() -> stage(target, other, Files.newInputStream(full.data())))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("does not match its manifest");
      // files altered inside a well-formed stream: the major version, then a file only the manifest
      // knows
      assertThatThrownBy(
              () -> stage(target, full.manifest(), alteredMember(full.data(), "PG_VERSION")))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("holds a PostgreSQL 05 data directory");
      assertThatThrownBy(
              () ->
                  stage(
                      target,
                      full.manifest(),
                      alteredMember(full.data(), "global/pg_filenode.map")))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("differs from the backup manifest")
          .hasMessageContaining("global/pg_filenode.map");

      assertThat(target.dataDirListing()).isEqualTo(listing);
      assertThat(target.serverPid()).isEqualTo(pid);
      assertThat(target.serverAlive()).isTrue();
      assertThat(target.manager.databases().list()).isEmpty();
    }
  }

  @Test
  @Order(4)
  void unsupportedTypesAndUnrestorableChainsAreInvalidArguments() throws Exception {
    Path scratch = Files.createDirectories(work.resolve("scratch-bad"));
    for (BackupType type : List.of(BackupType.LOGICAL)) {
      expect(
          Code.INVALID_ARGUMENT,
          "type",
          () -> source.manager.backup().open(new BackupRequest("x", type, null, scratch)));
    }
    String version = source.manager.serverVersion();
    BackupManifest full = synthetic("f", version);
    List<List<BackupManifest>> badChains =
        List.of(
            List.of(withEngine(full, "mysql")),
            List.of(full, full),
            List.of(synthetic("old", "14.10 (Debian 14.10-1.pgdg120+1)")));
    for (List<BackupManifest> chain : badChains) {
      // checked before emptiness: the source is far from empty
      expect(
          Code.INVALID_ARGUMENT,
          "backup_id",
          () -> source.manager.backup().restore(new RestoreRequest(chain, scratch)));
    }
  }

  @Test
  @Order(5)
  void closeKillsARunningBackupToolAndReleasesTheWal() throws Exception {
    Path scratch = Files.createDirectories(work.resolve("scratch-killed"));
    BackupSource running =
        source.manager.backup().open(new BackupRequest("killed", BackupType.FULL, null, scratch));
    ProcessHandle tool = ProcessHandle.of(((BaseBackupSource) running).pid()).orElseThrow();
    assertThat(running.stream().readNBytes(64 << 10)).hasSize(64 << 10);
    assertThat(tool.isAlive()).isTrue();
    assertThat(
            source.query(
                "postgres", "SELECT slot_name || ':' || temporary FROM pg_replication_slots"))
        .containsExactly("coffer_backup_killed:true");

    running.close();
    assertThat(tool.isAlive()).isFalse();
    assertThatThrownBy(running::finish)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("killed");
    running.close(); // idempotent
    long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!source.query("postgres", "SELECT 1 FROM pg_replication_slots").isEmpty()
        && System.nanoTime() < end) {
      Thread.sleep(50);
    }
    assertThat(source.query("postgres", "SELECT slot_name FROM pg_replication_slots")).isEmpty();
    assertThat(source.query("postgres", "SELECT count(*) FROM pg_stat_replication"))
        .containsExactly("0");
  }

  @Test
  @Order(6)
  void whenTheRestoredServerDoesNotStartTheOldDataComesBack() throws Exception {
    Stored full = firstFull();
    try (TestServer target = TestServer.start("rollback")) {
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
                    "simulated: PostgreSQL did not become ready", null);
              }
              real.start(timeout);
            }
          };
      assertThatThrownBy(() -> runtime.restore(target.manager, List.of(full), failsOnce))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("put back as it was")
          .hasMessageContaining("simulated: PostgreSQL did not become ready");
      assertThat(target.serverAlive()).isTrue();
      assertThat(target.manager.databases().list()).isEmpty();
      assertThat(target.dataDirListing()).isEqualTo(listing);
      assertThat(target.dataDir.resolve(DataDirSwap.ASIDE)).doesNotExist();
      assertThat(target.dataDir.resolve(DataDirSwap.INCOMING)).doesNotExist();
    }
  }

  // ---- helpers ----

  private void restore(TestServer target, BackupManifest backup) throws IOException {
    Path scratch = Files.createTempDirectory(work, "restore-");
    target.manager.backup().restore(new RestoreRequest(List.of(backup), scratch)).close();
  }

  private void stage(TestServer target, BackupManifest backup, InputStream stream)
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

  /**
   * The tar stream with the content of one (small, text) member changed in place; headers stay
   * valid.
   */
  private static InputStream alteredMember(Path file, String member) throws IOException {
    byte[] tar = Files.readAllBytes(file);
    for (int header = 0; header + 512 <= tar.length; ) {
      String name = new String(tar, header, 100, StandardCharsets.US_ASCII).replace("\0", "");
      long size =
          Long.parseLong(
              new String(tar, header + 124, 11, StandardCharsets.US_ASCII)
                      .replace("\0", "")
                      .trim()
                      .isEmpty()
                  ? "0"
                  : new String(tar, header + 124, 11, StandardCharsets.US_ASCII).trim(),
              8);
      if (name.equals(member)) {
        tar[header + 512] ^= 0x01;
        return new ByteArrayInputStream(tar);
      }
      header += 512 + (int) ((size + 511) / 512 * 512);
    }
    throw new IllegalStateException(member + " not found in the backup");
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

  private static BackupManifest synthetic(String id, String engineVersion) {
    return RuntimeStandIn.manifest(
        id,
        engineVersion,
        "pg_basebackup",
        "",
        BackupType.FULL,
        Map.of(POSITION_LSN, "0/2000100"),
        1,
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
