package io.coffer.agent.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDirectoryStorageTest {
  @TempDir Path dir;

  @Test
  void anObjectIsInvisibleUntilClosedAndThenWhole() throws Exception {
    LocalDirectoryStorage storage = new LocalDirectoryStorage(dir);
    StorageOutputStream out = storage.create("b1/data");
    out.write(new byte[] {1, 2, 3});
    assertThat(storage.exists("b1/data")).isFalse();
    assertThat(storage.list("")).isEmpty(); // the temp file is not listed
    out.close();
    assertThat(storage.list("")).containsExactly("b1/data");
    try (InputStream in = storage.open("b1/data")) {
      assertThat(in.readAllBytes()).containsExactly(1, 2, 3);
    }
    assertThatThrownBy(() -> out.write(4)).hasMessageContaining("already committed");
  }

  @Test
  void abortLeavesNoFile() throws Exception {
    LocalDirectoryStorage storage = new LocalDirectoryStorage(dir);
    StorageOutputStream out = storage.create("b1/data");
    out.write(new byte[1000]);
    out.abort();
    out.close();
    try (var files = Files.walk(dir)) {
      assertThat(files.filter(Files::isRegularFile)).isEmpty();
    }
  }

  @Test
  void keysCannotEscapeTheRootAndMissingKeysAreReported() throws Exception {
    LocalDirectoryStorage storage = new LocalDirectoryStorage(dir);
    assertThatThrownBy(() -> storage.create("../x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> storage.create("/etc/x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> storage.open("a//b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> storage.open("nope")).isInstanceOf(NoSuchFileException.class);
    storage.delete("nope"); // idempotent
  }

  @Test
  void listingPassesOverFilesThatVanishMeanwhileAndWalksOnlyThePrefixsDirectory() throws Exception {
    LocalDirectoryStorage storage = new LocalDirectoryStorage(dir);
    try (StorageOutputStream out = storage.create("b1/data")) {
      out.write(1);
    }
    AtomicBoolean stop = new AtomicBoolean();
    // an archiver writing objects beside: temporary files come and go while the listing walks
    Thread archiver =
        new Thread(
            () -> {
              for (int i = 0;
                  i < 50 || !stop.get();
                  i++) { // every one of the 50 keys at least once
                try (StorageOutputStream out = storage.create("logs/x/" + (i % 50))) {
                  out.write(new byte[64]);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              }
            });
    archiver.start();
    try {
      for (int i = 0; i < 300; i++) {
        assertThat(storage.list("b1/")).containsExactly("b1/data");
        assertThat(storage.list("")).contains("b1/data");
      }
    } finally {
      stop.set(true);
      archiver.join();
    }
    assertThat(storage.list("nothing/")).isEmpty();
    assertThat(storage.list("logs/x/4")).contains("logs/x/4", "logs/x/40", "logs/x/49");
  }
}
