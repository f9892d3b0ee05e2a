package io.coffer.plugin.kit.datadir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.spi.DatastoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirSwapTest {

  @TempDir Path tmp;

  @Test
  void dataDirSwapPutsTheOldContentsBackOrDiscardsThem() throws IOException {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Files.createDirectories(data.resolve("lost+found"));
    Files.createDirectories(data.resolve("mysql"));
    Files.writeString(data.resolve("mysql/user.MAD"), "old");
    Files.writeString(data.resolve("ibdata1"), "old");

    DataDirSwap swap = new DataDirSwap(data, null);
    swap.checkClean();
    Path incoming = swap.setAside();
    assertThat(names(data))
        .containsExactlyInAnyOrder("lost+found", DataDirSwap.ASIDE, DataDirSwap.INCOMING);
    Files.createDirectories(incoming.resolve("mysql"));
    Files.writeString(incoming.resolve("mysql/user.MAD"), "new");
    Files.writeString(incoming.resolve("ibdata1"), "new");
    Files.writeString(incoming.resolve("shop.frm"), "new");
    Files.createDirectories(incoming.resolve("lost+found"));
    swap.install();
    assertThat(Files.readString(data.resolve("mysql/user.MAD"))).isEqualTo("new");

    swap.putBack();
    assertThat(names(data)).containsExactlyInAnyOrder("lost+found", "mysql", "ibdata1");
    assertThat(Files.readString(data.resolve("mysql/user.MAD"))).isEqualTo("old");
    assertThat(Files.readString(data.resolve("ibdata1"))).isEqualTo("old");

    DataDirSwap again = new DataDirSwap(data, null);
    Files.writeString(again.setAside().resolve("ibdata1"), "new");
    again.install();
    again.discard();
    assertThat(names(data)).containsExactlyInAnyOrder("lost+found", "ibdata1");
    assertThat(Files.readString(data.resolve("ibdata1"))).isEqualTo("new");
  }

  @Test
  void aLeftoverFromAnInterruptedRestoreIsAFailedPrecondition() throws IOException {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Files.createDirectories(data.resolve(DataDirSwap.ASIDE));
    assertThatThrownBy(() -> new DataDirSwap(data, null).checkClean())
        .isInstanceOfSatisfying(
            DatastoreException.class,
            e -> assertThat(e.code()).isEqualTo(DatastoreException.Code.FAILED_PRECONDITION))
        .hasMessageContaining(DataDirSwap.ASIDE);
  }

  @Test
  void stagedFilesAreReceivedAndAFileOfTheOldContentsCanBeKept() throws IOException {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(data.resolve("postgresql.auto.conf"), "own");
    Files.writeString(data.resolve("base"), "old");
    Path staged = Files.createDirectories(tmp.resolve("staged"));
    Files.writeString(staged.resolve("base"), "new");
    Files.writeString(staged.resolve("postgresql.auto.conf"), "source's");

    DataDirSwap swap = new DataDirSwap(data, null);
    swap.setAside();
    swap.receive(staged);
    swap.install();
    swap.keepOwn("postgresql.auto.conf");
    assertThat(Files.readString(data.resolve("base"))).isEqualTo("new");
    assertThat(Files.readString(data.resolve("postgresql.auto.conf"))).isEqualTo("own");
    assertThat(names(staged)).isEmpty();
    swap.putBack();
    assertThat(names(data)).containsExactlyInAnyOrder("base", "postgresql.auto.conf");
    assertThat(Files.readString(data.resolve("base"))).isEqualTo("old");
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }
}
