package io.coffer.agent.backup;

import static io.coffer.agent.backup.TestStreams.newMasterKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.coffer.agent.storage.LocalDirectoryStorage;
import io.coffer.spi.Capability;
import io.coffer.spi.DatastoreContext;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.DatastoreException.Code;
import io.coffer.spi.DatastoreManager;
import io.coffer.spi.Probe;
import io.coffer.spi.ProcessSpec;
import io.coffer.spi.Secret;
import io.coffer.spi.backup.BackupManifest;
import io.coffer.spi.backup.BackupRequest;
import io.coffer.spi.backup.BackupSource;
import io.coffer.spi.backup.BackupStrategy;
import io.coffer.spi.backup.BackupType;
import io.coffer.spi.backup.RestoreRequest;
import io.coffer.spi.backup.RestoreSession;
import io.coffer.spi.backup.ServerControl;
import io.coffer.spi.replication.ReplicationSource;
import io.coffer.spi.replication.ReplicationStatus;
import io.coffer.spi.replication.ReplicationStrategy;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime's backup logic against real storage, real compression and encryption, and a scripted
 * engine (this is a unit test of the orchestration; real engines run in the TCK).
 */
class BackupServiceTest {
  @TempDir Path dir;
  LocalDirectoryStorage storage;
  MasterKey key;
  FakeEngine engine;
  BackupService service;

  @BeforeEach
  void setUp() throws Exception {
    storage = new LocalDirectoryStorage(dir.resolve("storage"));
    key = newMasterKey("mk-1");
    engine = new FakeEngine("mysql");
    service = serviceFor(engine);
  }

  private BackupService serviceFor(FakeEngine e) throws IOException {
    return new BackupService(
        storage, e, e.server, new WorkArea(dir.resolve("work-" + e.engine())), Clock.systemUTC());
  }

  @Test
  void aChainIsStagedInOrderThenInstalledOnce() {
    engine.next = bytes(3 << 20, 1);
    BackupManifest full = service.create("b-full", BackupType.FULL, "", key, JobProgress.NONE);
    byte[] fullBytes = engine.next;
    engine.next = bytes(1 << 20, 2);
    BackupManifest inc =
        service.create("b-inc", BackupType.INCREMENTAL, "b-full", key, JobProgress.NONE);
    assertThat(inc.parentId()).isEqualTo("b-full");
    assertThat(engine.lastRequest.parent().backupId()).isEqualTo(full.backupId());
    assertThat(inc.positions()).containsEntry(BackupManifest.POSITION_LSN, "2");

    List<long[]> progress = new ArrayList<>();
    service.restore(
        "b-inc",
        key,
        BackupService.RestoreOptions.PLAIN,
        (done, total) -> progress.add(new long[] {done, total}));
    assertThat(engine.staged).extracting(Staged::backupId).containsExactly("b-full", "b-inc");
    assertThat(engine.staged.get(0).bytes()).isEqualTo(fullBytes);
    assertThat(engine.staged.get(1).bytes()).isEqualTo(engine.next);
    assertThat(engine.installs).isEqualTo(1);
    assertThat(progress).isNotEmpty().allSatisfy(p -> assertThat(p[1]).isEqualTo((4L << 20)));
  }

  @Test
  void aBackupWhoseToolFailsIsRemovedAndNotCompleted() throws Exception {
    engine.next = bytes(1 << 20, 3);
    engine.failFinish = true;
    DatastoreException e =
        catchThrowableOfType(
            () -> service.create("b-bad", BackupType.FULL, "", key, JobProgress.NONE),
            DatastoreException.class);
    assertThat(e.code()).isEqualTo(Code.INTERNAL);
    assertThat(e.getMessage()).contains("exit status 2");
    assertThat(storage.list("b-bad/")).isEmpty();
    assertThat(engine.closed).isTrue();
  }

  @Test
  void aWrongKeyIdIsRefusedBeforeAnythingIsStaged() {
    engine.next = bytes(1 << 20, 4);
    service.create("b-1", BackupType.FULL, "", key, JobProgress.NONE);
    DatastoreException e =
        catchThrowableOfType(
            () ->
                service.restore(
                    "b-1",
                    newMasterKey("mk-other"),
                    BackupService.RestoreOptions.PLAIN,
                    JobProgress.NONE),
            DatastoreException.class);
    assertThat(e.code()).isEqualTo(Code.INVALID_ARGUMENT);
    assertThat(e.field()).isEqualTo("key");
    assertThat(engine.staged).isEmpty();
  }

  @Test
  void aDifferentKeyUnderTheSameIdIsDataLossAndNothingIsInstalled() {
    engine.next = bytes(1 << 20, 5);
    service.create("b-1", BackupType.FULL, "", key, JobProgress.NONE);
    DatastoreException e =
        catchThrowableOfType(
            () ->
                service.restore(
                    "b-1",
                    newMasterKey("mk-1"),
                    BackupService.RestoreOptions.PLAIN,
                    JobProgress.NONE),
            DatastoreException.class);
    assertThat(e.code()).isEqualTo(Code.DATA_LOSS);
    assertThat(e.getMessage()).contains("not changed");
    assertThat(engine.installs).isZero();
  }

  @Test
  void aFlippedByteIsDataLossAndNothingIsInstalled() throws Exception {
    engine.next = bytes(2 << 20, 6);
    service.create("b-1", BackupType.FULL, "", key, JobProgress.NONE);
    try (RandomAccessFile f =
        new RandomAccessFile(dir.resolve("storage/b-1/data.zst.tink").toFile(), "rw")) {
      f.seek(f.length() / 2);
      int b = f.read();
      f.seek(f.length() / 2);
      f.write(b ^ 0x80);
    }
    DatastoreException e =
        catchThrowableOfType(
            () -> service.restore("b-1", key, BackupService.RestoreOptions.PLAIN, JobProgress.NONE),
            DatastoreException.class);
    assertThat(e.code()).isEqualTo(Code.DATA_LOSS);
    assertThat(e.getMessage()).contains("corrupt");
    assertThat(engine.installs).isZero();
  }

  @Test
  void badParentsAreRefusedNamingTheField() throws Exception {
    assertThat(
            error(
                () ->
                    service.create("b-2", BackupType.INCREMENTAL, "b-none", key, JobProgress.NONE)))
        .extracting(DatastoreException::code, DatastoreException::field)
        .containsExactly(Code.NOT_FOUND, "parent_id");
    assertThat(
            error(() -> service.create("b-2", BackupType.INCREMENTAL, "", key, JobProgress.NONE)))
        .extracting(DatastoreException::code, DatastoreException::field)
        .containsExactly(Code.INVALID_ARGUMENT, "parent_id");
    assertThat(error(() -> service.create("../x", BackupType.FULL, "", key, JobProgress.NONE)))
        .extracting(DatastoreException::code, DatastoreException::field)
        .containsExactly(Code.INVALID_ARGUMENT, "backup_id");

    FakeEngine postgres = new FakeEngine("postgresql");
    postgres.next = bytes(1024, 7);
    serviceFor(postgres).create("pg-1", BackupType.FULL, "", key, JobProgress.NONE);
    DatastoreException other =
        error(() -> service.create("b-3", BackupType.INCREMENTAL, "pg-1", key, JobProgress.NONE));
    assertThat(other.code()).isEqualTo(Code.INVALID_ARGUMENT);
    assertThat(other.getMessage()).contains("postgresql");
    assertThat(
            error(
                    () ->
                        service.restore(
                            "pg-1", key, BackupService.RestoreOptions.PLAIN, JobProgress.NONE))
                .field())
        .isEqualTo("backup_id");

    engine.next = bytes(1024, 8);
    service.create("b-logical", BackupType.LOGICAL, "", key, JobProgress.NONE);
    assertThat(
            error(
                    () ->
                        service.create(
                            "b-4", BackupType.INCREMENTAL, "b-logical", key, JobProgress.NONE))
                .getMessage())
        .contains("logical");
    assertThat(
            error(() -> service.create("b-logical", BackupType.FULL, "", key, JobProgress.NONE))
                .code())
        .isEqualTo(Code.ALREADY_EXISTS);
  }

  @Test
  void aPluginThatStopsReadingEarlyFailsTheRestore() {
    engine.next = bytes(1 << 20, 9);
    service.create("b-1", BackupType.FULL, "", key, JobProgress.NONE);
    engine.readOnly = 1000;
    DatastoreException e =
        error(
            () ->
                service.restore("b-1", key, BackupService.RestoreOptions.PLAIN, JobProgress.NONE));
    assertThat(e.code()).isEqualTo(Code.INTERNAL);
    assertThat(e.getMessage()).contains("did not read");
    assertThat(engine.installs).isZero();
  }

  @Test
  void aCancelledBackupIsCancelledAndLeavesNothing() throws Exception {
    engine.next = bytes(4 << 20, 12);
    JobProgress cancelNow =
        new JobProgress() {
          @Override
          public void report(long bytes, long total) {}

          @Override
          public boolean cancelled() {
            return true;
          }
        };
    DatastoreException e = error(() -> service.create("b-c", BackupType.FULL, "", key, cancelNow));
    assertThat(e.code()).isEqualTo(Code.CANCELLED);
    assertThat(storage.list("b-c/")).isEmpty();
    assertThat(engine.closed).isTrue();

    engine.next = bytes(1 << 20, 13);
    service.create("b-1", BackupType.FULL, "", key, JobProgress.NONE);
    assertThat(
            error(() -> service.restore("b-1", key, BackupService.RestoreOptions.PLAIN, cancelNow))
                .code())
        .isEqualTo(Code.CANCELLED);
    assertThat(engine.installs).isZero();
  }

  @Test
  void theSweepRemovesWhatAKilledAgentLeftOfItsBackup() throws Exception {
    WorkArea work = new WorkArea(dir.resolve("work-mysql"));
    work.begin(
        "b-killed"); // as if the agent died mid-way: marker, a key and a half-written data object
    storage.create("b-killed/key.tink").close();
    var partial = storage.create("b-killed/data.zst.tink");
    partial.write(new byte[4096]);
    assertThat(Files.list(dir.resolve("storage/b-killed")).count()).isEqualTo(2); // key + temp file

    assertThat(service.sweep()).containsExactly("b-killed");
    assertThat(Files.list(dir.resolve("storage/b-killed")).count()).isZero();
    assertThat(work.interrupted()).isEmpty();
    engine.next = bytes(1024, 10);
    assertThat(service.create("b-next", BackupType.FULL, "", key, JobProgress.NONE).backupId())
        .isEqualTo("b-next");
  }

  @Test
  void deleteRemovesEveryObjectAndIsIdempotent() throws Exception {
    engine.next = bytes(1024, 11);
    service.create("b-1", BackupType.FULL, "", key, JobProgress.NONE);
    service.delete("b-1");
    service.delete("b-1");
    assertThat(storage.list("b-1/")).isEmpty();
  }

  private static DatastoreException error(Runnable call) {
    return catchThrowableOfType(call::run, DatastoreException.class);
  }

  private static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (r.nextInt(16) + 'a'); // compressible, like table data
    }
    return b;
  }

  @Test
  void onlyAReplicaFollowingASourceIsReseededAndAFailedRepairCanBeRepeated() throws Exception {
    engine.next = bytes(1 << 20, 7);
    service.create("b-seed", BackupType.FULL, "", key, JobProgress.NONE);
    for (ReplicationStatus notAReplica :
        List.of(
            status(Probe.Role.PRIMARY, ""),
            status(Probe.Role.STANDALONE, ""),
            status(
                Probe.Role.REPLICA,
                ""))) { // in recovery with no source: a fenced PostgreSQL primary
      engine.replication = notAReplica;
      DatastoreException e =
          catchThrowableOfType(
              () -> service.reseed("b-seed", key, JobProgress.NONE), DatastoreException.class);
      assertThat(e.code())
          .as(notAReplica.toString())
          .isEqualTo(DatastoreException.Code.FAILED_PRECONDITION);
    }
    assertThat(engine.installs).isZero();

    engine.replication = status(Probe.Role.REPLICA, "10.0.0.5");
    service.reseed("b-seed", key, JobProgress.NONE);
    assertThat(engine.installs).isEqualTo(1);
    assertThat(engine.lastRestore.reseed()).isTrue();
    assertThat(engine.lastRestore.asReplica()).isTrue();

    // re-seeded, not attached yet (its attach failed): a standalone now, and a repeated repair goes
    // on
    engine.replication = status(Probe.Role.STANDALONE, "");
    BackupService restarted =
        serviceFor(engine); // the marker is on disk: it outlives an agent restart
    restarted.reseed("b-seed", key, JobProgress.NONE);
    assertThat(engine.installs).isEqualTo(2);
    // once it follows a source (or was promoted), it is judged by its role again
    restarted.replicaAttached();
    assertThat(
            catchThrowableOfType(
                    () -> restarted.reseed("b-seed", key, JobProgress.NONE),
                    DatastoreException.class)
                .code())
        .isEqualTo(DatastoreException.Code.FAILED_PRECONDITION);
    assertThat(engine.installs).isEqualTo(2);
  }

  @Test
  void aPluginWithoutReplicationHasNothingToReseed() {
    engine.next = bytes(1 << 10, 8);
    service.create("b-x", BackupType.FULL, "", key, JobProgress.NONE);
    assertThat(
            catchThrowableOfType(
                    () -> service.reseed("b-x", key, JobProgress.NONE), DatastoreException.class)
                .code())
        .isEqualTo(DatastoreException.Code.FAILED_PRECONDITION);
  }

  private static ReplicationStatus status(Probe.Role role, String sourceHost) {
    return new ReplicationStatus(
        role, sourceHost, sourceHost.isEmpty() ? 0 : 3306, false, -1, "", true, "", false);
  }

  record Staged(String backupId, byte[] bytes) {}

  /** A scripted engine: backs up {@code next}, records what is staged and installed. */
  static final class FakeEngine implements DatastoreManager, BackupStrategy {
    private final String engine;
    byte[] next = new byte[0];
    boolean failFinish;
    int readOnly = -1;
    boolean closed;
    int installs;
    int lsn;

    /** null: no replication capability; else what status() answers. */
    ReplicationStatus replication;

    RestoreRequest lastRestore;
    BackupRequest lastRequest;
    final List<Staged> staged = new ArrayList<>();
    final ServerControl server =
        new ServerControl() {
          @Override
          public void stop() {}

          @Override
          public void start(Duration timeout) {}
        };

    FakeEngine(String engine) {
      this.engine = engine;
    }

    @Override
    public Set<BackupType> types() {
      return Set.of(BackupType.FULL, BackupType.INCREMENTAL, BackupType.LOGICAL);
    }

    @Override
    public BackupSource open(BackupRequest request) {
      lastRequest = request;
      InputStream in = new ByteArrayInputStream(next);
      return new BackupSource() {
        @Override
        public InputStream stream() {
          return in;
        }

        @Override
        public String tool() {
          return "fake";
        }

        @Override
        public String toolVersion() {
          return "1";
        }

        @Override
        public Map<String, String> finish() throws IOException {
          if (failFinish) {
            throw new IOException("fake tool failed with exit status 2");
          }
          return Map.of(BackupManifest.POSITION_LSN, String.valueOf(++lsn));
        }

        @Override
        public void close() {
          closed = true;
        }
      };
    }

    @Override
    public RestoreSession restore(RestoreRequest request) {
      lastRestore = request;
      return new RestoreSession() {
        @Override
        public void stage(BackupManifest backup, InputStream stream) throws IOException {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          if (readOnly >= 0) {
            out.write(stream.readNBytes(readOnly));
          } else {
            stream.transferTo(out);
          }
          staged.add(new Staged(backup.backupId(), out.toByteArray()));
        }

        @Override
        public void install(ServerControl control) {
          installs++;
        }

        @Override
        public void close() {}
      };
    }

    @Override
    public String engine() {
      return engine;
    }

    @Override
    public Set<Capability> capabilities() {
      return replication == null
          ? Set.of(Capability.BACKUP)
          : Set.of(Capability.BACKUP, Capability.REPLICATION);
    }

    @Override
    public ReplicationStrategy replication() {
      return new ReplicationStrategy() {
        @Override
        public void prepareSource(String user, Secret password) {}

        @Override
        public void attach(ReplicationSource source, ServerControl server) {}

        @Override
        public ReplicationStatus status() {
          return replication;
        }

        @Override
        public String fence(ServerControl server) {
          return "";
        }

        @Override
        public void awaitPosition(String position, Duration timeout) {}

        @Override
        public void promote() {}
      };
    }

    @Override
    public void init(DatastoreContext context) {}

    @Override
    public void prepare() {}

    @Override
    public ProcessSpec serverProcess() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void awaitReady(Duration timeout) {}

    @Override
    public Probe probe() {
      return Probe.unhealthy("fake");
    }

    @Override
    public String serverVersion() {
      return "fake-1";
    }

    @Override
    public BackupStrategy backup() {
      return this;
    }
  }
}
