package io.coffer.agent.backup;

import static io.coffer.agent.backup.TestStreams.compressible;
import static io.coffer.agent.backup.TestStreams.failingAfter;
import static io.coffer.agent.backup.TestStreams.job;
import static io.coffer.agent.backup.TestStreams.newMasterKey;
import static io.coffer.agent.backup.TestStreams.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.luben.zstd.util.Native;
import io.coffer.agent.storage.BackupIntegrityException;
import io.coffer.agent.storage.LocalDirectoryStorage;
import io.coffer.spi.backup.BackupManifest;
import io.coffer.spi.backup.BackupType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BackupPipelineTest {
  static final long SIZE = 64L << 20;
  static final long SEED = 42;

  @TempDir Path dir;
  LocalDirectoryStorage storage;
  MasterKey master;

  @BeforeEach
  void setUp() throws Exception {
    storage = new LocalDirectoryStorage(dir);
    master = newMasterKey("master-1");
  }

  @Test
  void zstdNativeLibraryLoadsFromItsJar() {
    Native.load();
    assertThat(Native.isLoaded()).isTrue();
  }

  @Test
  void roundTripsSixtyFourMibThroughCompressionAndEncryption() throws Exception {
    List<long[]> events = new ArrayList<>();
    BackupManifest written =
        new BackupPipeline(storage, master, Clock.systemUTC())
            .write(
                job("b1"),
                compressible(SIZE, SEED),
                (raw, stored) -> events.add(new long[] {raw, stored}));

    assertThat(storage.list("b1/"))
        .containsExactly("b1/data.zst.tink", "b1/key.tink", "b1/manifest.json");
    assertThat(written.rawBytes()).isEqualTo(SIZE);
    assertThat(written.compressedBytes()).isLessThan(SIZE / 2); // it did compress
    assertThat(written.storedBytes()).isEqualTo(Files.size(dir.resolve("b1/data.zst.tink")));
    assertThat(written.storedBytes()).isGreaterThan(written.compressedBytes()); // tags + header
    try (InputStream stored = storage.open("b1/data.zst.tink")) {
      assertThat(written.sha256()).isEqualTo(sha256(stored));
    }
    assertThat(written.keyId()).isEqualTo("master-1");
    assertThat(written.type()).isEqualTo(BackupType.FULL);
    assertThat(written.positions())
        .containsEntry(BackupManifest.POSITION_BINLOG_FILE, "binlog.000042");
    assertThat(written.finishedAt()).isAfterOrEqualTo(written.startedAt());
    assertThat(events).isNotEmpty();
    assertThat(events.get(events.size() - 1)[0]).isEqualTo(SIZE);
    System.out.printf(
        "64 MiB: compressed %d, stored %d bytes, %d progress events%n",
        written.compressedBytes(), written.storedBytes(), events.size());

    RestoreJob restore = new RestoreJob(storage, master);
    assertThat(restore.manifest("b1")).isEqualTo(written); // JSON round trip
    try (InputStream plaintext = restore.open("b1", ProgressListener.NONE)) {
      assertThat(sha256(plaintext)).isEqualTo(sha256(compressible(SIZE, SEED)));
    }
  }

  @Test
  void everyCompressionSettingRestoresTheSameBytes() throws Exception {
    long size = 16L << 20;
    Map<Compression, Long> compressed = new HashMap<>();
    for (Compression c :
        List.of(
            new Compression(1, 0),
            new Compression(9, 0),
            new Compression(1, 2),
            new Compression(-3, 0))) {
      String id = "c" + c.level() + "w" + c.workers();
      BackupManifest written =
          new BackupPipeline(storage, master, Clock.systemUTC(), c)
              .write(job(id), compressible(size, SEED), ProgressListener.NONE);
      try (InputStream plaintext =
          new RestoreJob(storage, master).open(id, ProgressListener.NONE)) {
        assertThat(sha256(plaintext)).as(id).isEqualTo(sha256(compressible(size, SEED)));
      }
      compressed.put(c, written.compressedBytes());
    }
    // the level reaches zstd: the same input compresses to another size
    assertThat(compressed.get(new Compression(9, 0)))
        .isNotEqualTo(compressed.get(new Compression(1, 0)));
    assertThat(compressed.get(new Compression(-3, 0)))
        .isGreaterThan(compressed.get(new Compression(1, 0)));
    assertThatThrownBy(() -> new Compression(0, 1))
        .hasMessageContaining("level must be -7..-1 or 1..19");
    assertThatThrownBy(() -> new Compression(3, -1)).hasMessageContaining("workers must be 0..64");
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.5, 0.9999})
  void aFlippedStoredByteFailsTheReadThatReachesItAndNoPlaintextOfItsSegmentIsReleased(double where)
      throws Exception {
    int size = 4 << 20;
    new BackupPipeline(storage, master, Clock.systemUTC())
        .write(job("b1"), compressible(size, SEED), ProgressListener.NONE);
    Path data = dir.resolve("b1/data.zst.tink");
    flipByte(data, (long) (Files.size(data) * where)); // the middle, or the last segment's tag

    long[] received = {0};
    assertThat(restoreFailure("b1", received))
        .isInstanceOf(BackupIntegrityException.class)
        .hasMessageContaining("b1 is corrupt");
    assertThat(received[0]).as("plaintext released before the failure").isLessThan(size);
  }

  @Test
  void aTruncatedObjectFailsAtItsEnd() throws Exception {
    int size = 4 << 20;
    new BackupPipeline(storage, master, Clock.systemUTC())
        .write(job("b1"), compressible(size, SEED), ProgressListener.NONE);
    Path data = dir.resolve("b1/data.zst.tink");
    try (RandomAccessFile f = new RandomAccessFile(data.toFile(), "rw")) {
      f.setLength(f.length() - 1);
    }
    assertThatThrownBy(
            () -> {
              try (InputStream in =
                  new RestoreJob(storage, master).open("b1", ProgressListener.NONE)) {
                in.transferTo(OutputStream.nullOutputStream());
              }
            })
        .isInstanceOf(BackupIntegrityException.class)
        .hasMessageContaining("b1 is corrupt");
  }

  @Test
  void anAlteredSegmentFailsAuthenticationEvenWhenTheChecksumIsForgedToo() throws Exception {
    BackupManifest m =
        new BackupPipeline(storage, master, Clock.systemUTC())
            .write(job("b1"), compressible(4 << 20, SEED), ProgressListener.NONE);
    Path data = dir.resolve("b1/data.zst.tink");
    flipByte(data, 100); // inside the first segment
    String forged;
    try (InputStream in = Files.newInputStream(data)) {
      forged = sha256(in);
    }
    BackupManifest lying =
        new BackupManifest(
            m.formatVersion(),
            m.backupId(),
            m.engine(),
            m.engineVersion(),
            m.tool(),
            m.toolVersion(),
            m.type(),
            m.parentId(),
            m.positions(),
            m.rawBytes(),
            m.compressedBytes(),
            m.storedBytes(),
            forged,
            m.compression(),
            m.encryption(),
            m.keyId(),
            m.startedAt(),
            m.finishedAt());
    Files.write(dir.resolve("b1/manifest.json"), ManifestCodec.encode(lying));

    long[] received = {0};
    assertThat(restoreFailure("b1", received))
        .isInstanceOf(BackupIntegrityException.class)
        .hasMessageContaining("failed authentication");
    assertThat(received[0]).isZero(); // the first segment never left the decrypter
  }

  @Test
  void aWrongMasterKeyIsRefused() throws Exception {
    new BackupPipeline(storage, master, Clock.systemUTC())
        .write(job("b1"), compressible(1 << 20, SEED), ProgressListener.NONE);

    MasterKey impostor = newMasterKey("master-1"); // same id, different key material
    assertThatThrownBy(() -> new RestoreJob(storage, impostor).open("b1", ProgressListener.NONE))
        .isInstanceOf(BackupIntegrityException.class)
        .hasMessageContaining("cannot unwrap the data key");
    assertThatThrownBy(
            () ->
                new RestoreJob(storage, newMasterKey("master-2")).open("b1", ProgressListener.NONE))
        .isInstanceOf(BackupIntegrityException.class)
        .hasMessageContaining("not master-2");
  }

  @Test
  void anEngineFailureMidwayLeavesNoObjectsAndNoManifest() throws Exception {
    BackupPipeline pipeline = new BackupPipeline(storage, master, Clock.systemUTC());
    assertThatThrownBy(
            () ->
                pipeline.write(
                    job("b1"),
                    failingAfter(compressible(SIZE, SEED), 20 << 20),
                    ProgressListener.NONE))
        .isInstanceOf(IOException.class)
        .hasMessage("engine tool died");

    assertThat(storage.list("")).isEmpty();
    try (var files = Files.walk(dir)) {
      assertThat(files.filter(Files::isRegularFile)).isEmpty(); // no temp files either
    }
    assertThatThrownBy(() -> new RestoreJob(storage, master).open("b1", ProgressListener.NONE))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("not COMPLETED");
  }

  @Test
  void anInterruptedThreadStopsTheBackupAndCleansUp() throws Exception {
    BackupPipeline pipeline = new BackupPipeline(storage, master, Clock.systemUTC());
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(
              () -> pipeline.write(job("b1"), compressible(SIZE, SEED), ProgressListener.NONE))
          .isInstanceOf(
              IOException.class); // InterruptedIOException, or ClosedByInterruptException from a
      // FileChannel
    } finally {
      Thread.interrupted();
    }
    assertThat(storage.list("")).isEmpty();
  }

  @Test
  void anExistingBackupIdIsNotOverwritten() throws Exception {
    BackupPipeline pipeline = new BackupPipeline(storage, master, Clock.systemUTC());
    pipeline.write(job("b1"), compressible(1000, SEED), ProgressListener.NONE);
    assertThatThrownBy(
            () -> pipeline.write(job("b1"), compressible(1000, SEED), ProgressListener.NONE))
        .isInstanceOf(IllegalStateException.class);
    assertThat(storage.exists("b1/manifest.json")).isTrue();
    assertThat(pipeline.discardIncomplete("b1")).isFalse(); // COMPLETED: kept
    assertThat(storage.list("b1/")).hasSize(3);
  }

  @Test
  void theLeftoversOfACrashAreDiscardedSoTheIdCanBeRetried() throws Exception {
    BackupPipeline pipeline = new BackupPipeline(storage, master, Clock.systemUTC());
    pipeline.write(job("b1"), compressible(1000, SEED), ProgressListener.NONE);
    storage.delete("b1/manifest.json"); // as if the agent died before writing it
    assertThat(pipeline.discardIncomplete("b1")).isTrue();
    assertThat(storage.list("")).isEmpty();
    pipeline.write(job("b1"), compressible(1000, SEED), ProgressListener.NONE);
  }

  @Test
  void anEmptyEngineStreamRoundTrips() throws Exception {
    new BackupPipeline(storage, master, Clock.systemUTC())
        .write(job("b1"), InputStream.nullInputStream(), ProgressListener.NONE);
    try (InputStream in = new RestoreJob(storage, master).open("b1", ProgressListener.NONE)) {
      assertThat(in.readAllBytes()).isEmpty();
    }
  }

  /** Reads backup {@code id} to its end: the failure, and the plaintext released before it. */
  private Throwable restoreFailure(String id, long[] received) {
    byte[] buffer = new byte[1 << 16];
    return catchThrowable(
        () -> {
          try (InputStream in = new RestoreJob(storage, master).open(id, ProgressListener.NONE)) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
              received[0] += n;
            }
          }
        });
  }

  static void flipByte(Path file, long offset) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(offset);
      int b = f.read();
      f.seek(offset);
      f.write(b ^ 0x01);
    }
  }
}
