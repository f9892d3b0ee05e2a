package io.coffer.plugin.redis.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.coffer.plugin.redis.server.ConfigFile;
import io.coffer.plugin.redis.server.RedisSettings;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.backup.ServerControl;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file handling of an RDB install, around a scripted server (the real one is in the conformance
 * suites).
 */
class RdbRestoreTest {
  @TempDir Path tmp;
  RedisSettings settings;
  Path scratch;

  @BeforeEach
  void setUp() throws IOException {
    Path data = Files.createDirectories(tmp.resolve("data"));
    settings =
        new RedisSettings(
            Path.of("/usr/bin/redis-server"),
            Path.of("/usr/bin/redis-cli"),
            data,
            Files.createDirectories(tmp.resolve("run")),
            "127.0.0.1",
            6379,
            null,
            false);
    Files.writeString(settings.configFile(), "appendonly no\n");
    Files.writeString(settings.rdbFile(), "REDIS0010 the replica's old data");
    Files.createDirectories(settings.aofDir());
    Files.writeString(settings.aofDir().resolve("appendonly.aof.1.base.rdb"), "old aof");
    scratch = Files.createDirectories(tmp.resolve("scratch"));
  }

  private RdbRestore staged(String snapshot) throws IOException {
    RdbRestore restore =
        new RdbRestore(settings, new ConfigFile(settings.configFile(), null), null, scratch);
    restore.stage(null, new ByteArrayInputStream(snapshot.getBytes(StandardCharsets.US_ASCII)));
    return restore;
  }

  @Test
  void aSnapshotThatDoesNotStartIsRolledBackToTheOldFiles() throws IOException {
    AtomicInteger starts = new AtomicInteger();
    ServerControl server =
        server(
            () -> {
              if (starts.incrementAndGet() == 1) {
                throw DatastoreException.unavailable("Short read or OOM loading DB", null);
              }
            });
    IOException e =
        catchThrowableOfType(
            () -> staged("REDIS0010 new but broken").install(server), IOException.class);
    assertThat(e).hasMessageContaining("put back as it was");
    assertThat(starts).hasValue(2); // restarted on the old files
    assertThat(Files.readString(settings.rdbFile())).isEqualTo("REDIS0010 the replica's old data");
    assertThat(Files.readString(settings.aofDir().resolve("appendonly.aof.1.base.rdb")))
        .isEqualTo("old aof");
    assertThat(asides()).isEmpty();
  }

  @Test
  void anInstalledSnapshotReplacesTheOldFilesAndLeavesNothingAside() throws IOException {
    staged("REDIS0010 the source's data").install(server(() -> {}));
    assertThat(Files.readString(settings.rdbFile())).isEqualTo("REDIS0010 the source's data");
    assertThat(settings.aofDir()).doesNotExist(); // Redis writes a fresh one when AOF is on
    assertThat(asides()).isEmpty();
  }

  @Test
  void filesLeftAsideByAnInterruptedRestoreAreAFailedPreconditionAndNothingMoves()
      throws IOException {
    Path leftover = settings.dataDir().resolve("dump.rdb" + RdbRestore.ASIDE);
    Files.writeString(leftover, "REDIS0010 from before");
    AtomicInteger stops = new AtomicInteger();
    DatastoreException e =
        catchThrowableOfType(
            () ->
                staged("REDIS0010 new")
                    .install(
                        new ServerControl() {
                          @Override
                          public void stop() {
                            stops.incrementAndGet();
                          }

                          @Override
                          public void start(Duration timeout) {}
                        }),
            DatastoreException.class);
    assertThat(e.code()).isEqualTo(DatastoreException.Code.FAILED_PRECONDITION);
    assertThat(e.getMessage()).contains(leftover.toString());
    assertThat(stops).hasValue(0);
    assertThat(Files.readString(settings.rdbFile())).isEqualTo("REDIS0010 the replica's old data");
  }

  private List<String> asides() throws IOException {
    try (var files = Files.list(settings.dataDir())) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(RdbRestore.ASIDE))
          .toList();
    }
  }

  private static ServerControl server(Runnable onStart) {
    return new ServerControl() {
      @Override
      public void stop() {}

      @Override
      public void start(Duration timeout) {
        onStart.run();
      }
    };
  }
}
