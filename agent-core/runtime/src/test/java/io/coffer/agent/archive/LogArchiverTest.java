package io.coffer.agent.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.agent.storage.BackupIntegrityException;
import io.coffer.agent.storage.BackupStorage;
import io.coffer.agent.storage.LocalDirectoryStorage;
import io.coffer.agent.storage.StorageOutputStream;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.backup.BackupManifest;
import io.coffer.spi.backup.LogArchiving;
import io.coffer.spi.backup.LogFile;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archiver against real local storage, with a spool directory standing in for the engine (logic
 * only: the PostgreSQL suite runs it against a real server).
 */
class LogArchiverTest {
  @TempDir Path dir;

  /** Files in a spool directory; switchLog "completes" a new one. */
  private final class Spool implements LogArchiving {
    final Path spool;
    int next = 1;

    Spool(Path spool) throws IOException {
      this.spool = Files.createDirectories(spool);
    }

    String complete(int bytes) throws IOException {
      String name = String.format("%024X", next++);
      byte[] data = new byte[bytes];
      new Random(next).nextBytes(data);
      Path temp = spool.resolve("archtemp." + name);
      Files.write(temp, data);
      Files.move(temp, spool.resolve(name));
      return name;
    }

    @Override
    public List<LogFile> ready() throws IOException {
      try (Stream<Path> s = Files.list(spool)) {
        return s.map(p -> p.getFileName().toString())
            .filter(n -> !n.startsWith("archtemp"))
            .sorted()
            .map(n -> new LogFile(n, spool.resolve(n)))
            .toList();
      }
    }

    @Override
    public void archived(LogFile file) throws IOException {
      Files.delete(file.path());
    }

    @Override
    public String switchLog() {
      try {
        return complete(1000);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public boolean neededAfter(BackupManifest base, String name) {
      return true;
    }

    @Override
    public Duration maxDelay() {
      return Duration.ofMinutes(5);
    }
  }

  private LocalDirectoryStorage storage() throws IOException {
    return new LocalDirectoryStorage(dir.resolve("storage"));
  }

  /** The agent's key store, holding the public half of {@code pair}. */
  private ArchiveKeys keysWith(ArchiveTestKeys pair) throws IOException {
    ArchiveKeys keys = ArchiveKeys.open(Files.createDirectories(dir.resolve("state")));
    keys.update(pair.keyId(), pair.publicKeyset());
    return keys;
  }

  /** Runs an archiver until everything completed so far, and one flush more, is archived. */
  private static LogArchiver.Archived archiveAll(
      BackupStorage storage, Spool spool, ArchiveKeys keys) {
    try (LogArchiver archiver =
        new LogArchiver(storage, spool, keys, "db-1", Clock.systemUTC(), Duration.ofMillis(50))) {
      archiver.start();
      return archiver.flush(Duration.ofSeconds(10));
    }
  }

  @Test
  void archivesEveryCompletedFileDropsTheSpooledCopyAndReadsBackTheSameBytes() throws Exception {
    LocalDirectoryStorage storage = storage();
    Spool spool = new Spool(dir.resolve("spool"));
    ArchiveTestKeys pair = ArchiveTestKeys.generate("ak-1");
    ArchiveKeys keys = keysWith(pair);
    String first = spool.complete(3 << 20);
    byte[] firstBytes = Files.readAllBytes(spool.spool.resolve(first));
    LogArchiver.Archived flushed = archiveAll(storage, spool, keys);
    assertThat(spool.ready()).isEmpty();
    assertThat(storage.list("logs/db-1/"))
        .hasSize(2)
        .last()
        .isEqualTo("logs/db-1/" + flushed.name());
    LogFetch fetch = LogFetch.plan(storage, "db-1", n -> true);
    assertThat(fetch.newestArchivedAt()).isBeforeOrEqualTo(Instant.now());
    Path restored = dir.resolve("restored");
    fetch.into(restored, pair.privateKey());
    assertThat(Files.readAllBytes(restored.resolve(first))).isEqualTo(firstBytes);
  }

  @Test
  void waitsForTheKeyWithoutLosingFilesAndKeepsItAcrossRestarts() throws Exception {
    LocalDirectoryStorage storage = storage();
    Spool spool = new Spool(dir.resolve("spool"));
    Path state = Files.createDirectories(dir.resolve("state"));
    spool.complete(100);
    try (LogArchiver archiver =
        new LogArchiver(
            storage,
            spool,
            ArchiveKeys.open(state),
            "db-1",
            Clock.systemUTC(),
            Duration.ofMillis(50))) {
      archiver.start();
      assertThatThrownBy(() -> archiver.flush(Duration.ofMillis(500)))
          .isInstanceOf(DatastoreException.class)
          .hasMessageContaining("no archive key");
      assertThat(spool.ready()).hasSize(2); // still spooled
    }
    ArchiveTestKeys pair = ArchiveTestKeys.generate("ak-2");
    ArchiveKeys.open(state).update(pair.keyId(), pair.publicKeyset());
    archiveAll(storage, spool, ArchiveKeys.open(state)); // a restarted agent, before it reconnects
    assertThat(spool.ready()).isEmpty();
    assertThat(storage.list("logs/db-1/")).hasSize(3);
  }

  @Test
  void aFlippedByteOrAnotherKeyFailsTheFetchAsAnIntegrityError() throws Exception {
    LocalDirectoryStorage storage = storage();
    ArchiveTestKeys pair = ArchiveTestKeys.generate("ak-3");
    archiveAll(storage, new Spool(dir.resolve("spool")), keysWith(pair));
    ArchiveTestKeys other = ArchiveTestKeys.generate("ak-3");
    assertThatThrownBy(
            () ->
                LogFetch.plan(storage, "db-1", n -> true)
                    .into(dir.resolve("a"), other.privateKey()))
        .isInstanceOf(BackupIntegrityException.class)
        .hasMessageContaining("cannot unwrap");

    Path object;
    try (Stream<Path> files = Files.walk(dir.resolve("storage"))) {
      object =
          files
              .filter(Files::isRegularFile)
              .filter(p -> p.toString().contains("logs"))
              .findFirst()
              .orElseThrow();
    }
    try (FileChannel c =
        FileChannel.open(object, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      long at = c.size() - 10;
      c.read(one, at);
      one.put(0, (byte) (one.get(0) ^ 1)).rewind();
      c.write(one, at);
    }
    assertThatThrownBy(
            () ->
                LogFetch.plan(storage, "db-1", n -> true).into(dir.resolve("b"), pair.privateKey()))
        .isInstanceOf(BackupIntegrityException.class);
    assertThat(dir.resolve("b").resolve(object.getFileName().toString())).doesNotExist();
  }

  @Test
  void aStorageThatFailsMidReadIsAStorageErrorNotTampering() throws Exception {
    LocalDirectoryStorage local = storage();
    Spool spool = new Spool(dir.resolve("spool"));
    ArchiveTestKeys pair = ArchiveTestKeys.generate("ak-4");
    spool.complete(4 << 20);
    archiveAll(local, spool, keysWith(pair));
    BackupStorage flaky = new BackupStorage() { // the connection drops after 1 MiB of each object
          @Override
          public StorageOutputStream create(String key) throws IOException {
            return local.create(key);
          }

          @Override
          public InputStream open(String key) throws IOException {
            InputStream in = local.open(key);
            return new FilterInputStream(in) {
              long read;

              @Override
              public int read(byte[] b, int off, int len) throws IOException {
                if (read > (1 << 20)) {
                  throw new SocketException("connection reset");
                }
                int n = super.read(b, off, len);
                read += Math.max(n, 0);
                return n;
              }
            };
          }

          @Override
          public List<String> list(String prefix) throws IOException {
            return local.list(prefix);
          }

          @Override
          public void delete(String key) throws IOException {
            local.delete(key);
          }

          @Override
          public void discardUncommitted(String prefix) throws IOException {
            local.discardUncommitted(prefix);
          }

          @Override
          public boolean exists(String key) throws IOException {
            return local.exists(key);
          }
        };
    assertThatThrownBy(
            () -> LogFetch.plan(flaky, "db-1", n -> true).into(dir.resolve("c"), pair.privateKey()))
        .isInstanceOf(SocketException.class)
        .isNotInstanceOf(BackupIntegrityException.class);
  }

  @Test
  void anArchiveIdThatIsNotOneKeySegmentIsRefused() {
    assertThatThrownBy(() -> ArchiveLayout.prefix("../x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ArchiveLayout.prefix("a/b"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
