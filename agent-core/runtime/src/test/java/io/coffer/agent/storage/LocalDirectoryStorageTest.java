package io.coffer.agent.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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
}
