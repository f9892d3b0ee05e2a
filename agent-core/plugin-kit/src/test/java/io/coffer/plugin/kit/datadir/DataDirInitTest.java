package io.coffer.plugin.kit.datadir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.coffer.plugin.kit.ToolEnvironment;
import io.coffer.spi.DatastoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The initialiser runs as a real process (a shell script standing in for initdb). */
class DataDirInitTest {
  private static final ToolEnvironment ENV = new ToolEnvironment("test", List.of());

  @TempDir Path tmp;

  @Test
  void anInitialisedDirectoryIsLeftAloneAndAnEmptyOneIsInitialisedOnce() throws IOException {
    Path data = Files.createDirectories(tmp.resolve("data"));
    DataDirInit init = init(data, "mkdir \"$0/base\" && echo 15 > \"$0/PG_VERSION\"");
    assertThat(init.run()).isTrue();
    assertThat(data.resolve("PG_VERSION")).hasContent("15");
    Files.writeString(data.resolve("PG_VERSION"), "kept");
    assertThat(init.run()).isFalse();
    assertThat(data.resolve("PG_VERSION")).hasContent("kept");
  }

  @Test
  void aFailedRunRemovesWhatItCreatedKeepsWhatWasThereAndSaysWhy() throws IOException {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Files.createDirectories(data.resolve("lost+found"));
    DataDirInit init =
        init(
            data,
            "mkdir -p \"$0/base/1\" && touch \"$0/base/1/x\" && echo 'disk full' >&2; exit 3");
    DatastoreException e = catchThrowableOfType(DatastoreException.class, init::run);
    assertThat(e.code()).isEqualTo(DatastoreException.Code.INTERNAL);
    assertThat(e.getMessage()).contains("fake-initdb failed (exit 3)").contains("disk full");
    try (Stream<Path> left = Files.list(data)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("lost+found");
    }
  }

  @Test
  void aToolThatExitsZeroWithoutInitialisingIsAFailureToo() throws IOException {
    Path data = Files.createDirectories(tmp.resolve("data"));
    DataDirInit init = init(data, "touch \"$0/half\"");
    assertThat(catchThrowableOfType(DatastoreException.class, init::run))
        .hasMessageContaining("exit 0");
    assertThat(data).isEmptyDirectory();
  }

  private DataDirInit init(Path data, String script) {
    return new DataDirInit(
        "fake-initdb",
        data,
        d -> Files.isRegularFile(d.resolve("PG_VERSION")),
        List.of("/bin/sh", "-c", script, data.toString()),
        tmp,
        Duration.ofSeconds(30),
        ENV);
  }
}
