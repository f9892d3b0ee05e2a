package io.coffer.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeLibrariesTest {
  @TempDir Path tmp;

  @Test
  void pointsEveryLibraryAtAPrivateDirectoryInTheStateDirectory() throws Exception {
    Path state = tmp.resolve("state");
    Properties p = new Properties();

    Path dir = NativeLibraries.install(state, p);

    assertThat(dir).isEqualTo(state.resolve("native")).isDirectory();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state)))
        .isNotEqualTo("rwx------");
    for (String name : NativeLibraries.PROPERTIES) {
      assertThat(p.getProperty(name)).as(name).isEqualTo(dir.toString());
    }
  }

  @Test
  void removesWhatAKilledAgentLeftAndKeepsTheOperatorsSetting() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("native"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path left = Files.writeString(dir.resolve("libnetty_tcnative123.so"), "x");
    Properties p = new Properties();
    p.setProperty("org.sqlite.tmpdir", "/opt/sqlite");

    NativeLibraries.install(tmp, p);

    assertThat(left).doesNotExist();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
    assertThat(p.getProperty("org.sqlite.tmpdir")).isEqualTo("/opt/sqlite");
    assertThat(p.getProperty("io.netty.native.workdir")).isEqualTo(dir.toString());
  }

  @Test
  void aDirectoryThatCannotBePreparedIsNamedWithTheReason() throws Exception {
    Path notADirectory = Files.writeString(tmp.resolve("state"), "a file");

    assertThatThrownBy(() -> NativeLibraries.install(notADirectory, new Properties()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(
            "cannot prepare " + notADirectory.resolve("native") + " for the native libraries")
        .hasMessageContaining("Exception");
  }
}
