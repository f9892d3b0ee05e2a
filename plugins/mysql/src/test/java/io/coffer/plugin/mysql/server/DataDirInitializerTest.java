package io.coffer.plugin.mysql.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.plugin.kit.OsAccount;
import io.coffer.spi.DatastoreContext;
import io.coffer.spi.DatastoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the initializer against a fake mariadb-install-db; the real one is covered by the
 * integration test.
 */
class DataDirInitializerTest {

  @TempDir Path tmp;

  private DataDirInitializer initializer(String installScript) throws IOException {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    ServerSettingsTest.FakeBinaries.script(bin, "mariadbd", "exit 0");
    ServerSettingsTest.FakeBinaries.script(bin, "mariadb-install-db", installScript);
    DatastoreContext ctx =
        new DatastoreContext(
            "i",
            tmp.resolve("data"),
            tmp.resolve("run"),
            "127.0.0.1",
            3306,
            "",
            Map.of("binDir", bin.toString()));
    return new DataDirInitializer(
        ServerSettings.from(ctx, new OsAccount(System.getProperty("user.name"), false)));
  }

  @Test
  void initialisesOnceThenLeavesTheDataDirectoryAlone() throws IOException {
    // Records each run; creates the mysql system schema directory like the real tool.
    DataDirInitializer init =
        initializer(
            "for a in \"$@\"; do case $a in --datadir=*) d=${a#--datadir=};; esac; done\n"
                + "echo run >> \"$d/runs\"; mkdir \"$d/mysql\"");
    init.prepare();
    init.prepare();
    assertThat(Files.readAllLines(tmp.resolve("data/runs"))).containsExactly("run");
    assertThat(tmp.resolve("run")).isDirectory();
  }

  @Test
  void failureReportsTheOutputTailAndRemovesOnlyWhatTheRunCreated() throws IOException {
    Files.createDirectories(tmp.resolve("data/lost+found"));
    DataDirInitializer init =
        initializer(
            "for a in \"$@\"; do case $a in --datadir=*) d=${a#--datadir=};; esac; done\n"
                + "mkdir \"$d/mysql\"; touch \"$d/mysql/half\" \"$d/ibdata1\"; echo 'ERROR: disk full' >&2; exit 3");
    assertThatThrownBy(init::prepare)
        .isInstanceOfSatisfying(
            DatastoreException.class,
            e -> assertThat(e.code()).isEqualTo(DatastoreException.Code.INTERNAL))
        .hasMessageContaining("exit 3")
        .hasMessageContaining("ERROR: disk full");
    try (var entries = Files.list(tmp.resolve("data"))) {
      assertThat(entries.map(p -> p.getFileName().toString())).containsExactly("lost+found");
    }
  }
}
