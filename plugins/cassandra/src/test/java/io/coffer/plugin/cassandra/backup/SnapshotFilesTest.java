package io.coffer.plugin.cassandra.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotFilesTest {
  @TempDir Path data;

  @Test
  void aSnapshotsFilesAreNamedByKeyspaceAndTableWithoutCassandrasOwnManifest() throws Exception {
    Path snap =
        Files.createDirectories(
            data.resolve("shop/orders_2-5a1ff267ace03f128563cfae6103c65e/snapshots/coffer-bk-1"));
    Files.writeString(snap.resolve("nb-1-big-Data.db"), "rows");
    Files.writeString(snap.resolve("manifest.json"), "{}");
    Files.writeString(snap.resolve("schema.cql"), "CREATE TABLE ...");
    Files.createDirectories(
        data.resolve("shop/orders_2-5a1ff267ace03f128563cfae6103c65e/snapshots/other"));
    Files.createDirectories(data.resolve("shop/users-0123/")); // no snapshot of this table

    List<SnapshotFiles.Entry> files = SnapshotFiles.of(data, "shop", "coffer-bk-1");

    assertThat(files)
        .extracting(SnapshotFiles.Entry::name)
        .containsExactly("tables/shop/orders_2/nb-1-big-Data.db");
    assertThat(files.get(0).size()).isEqualTo(4);
    assertThat(SnapshotFiles.of(data, "missing", "coffer-bk-1")).isEmpty();
  }

  @Test
  void anIncrementalTakesWholeSSTablesWrittenSinceTheMarkAndPruneRemovesOnlyOlderOnes()
      throws Exception {
    Path backups =
        Files.createDirectories(
            data.resolve("shop/orders-5a1ff267ace03f128563cfae6103c65e/backups"));
    long mark = 1_000_000_000_000L;
    // nb-1: wholly before the mark; nb-2: straddles it (one component after); nb-3: after
    touch(backups.resolve("nb-1-big-Data.db"), mark - 5000);
    touch(backups.resolve("nb-1-big-TOC.txt"), mark - 4000);
    touch(backups.resolve("nb-2-big-Data.db"), mark - 10);
    touch(backups.resolve("nb-2-big-TOC.txt"), mark + 10);
    touch(backups.resolve("nb-3-big-Data.db"), mark + 2000);

    assertThat(SnapshotFiles.incremental(data, "shop", mark))
        .extracting(SnapshotFiles.Entry::name)
        .containsExactly(
            "tables/shop/orders/nb-2-big-Data.db",
            "tables/shop/orders/nb-2-big-TOC.txt",
            "tables/shop/orders/nb-3-big-Data.db");

    assertThat(SnapshotFiles.prune(data, "shop", mark)).isEqualTo(2);
    assertThat(backups.resolve("nb-1-big-Data.db")).doesNotExist();
    assertThat(backups.resolve("nb-2-big-Data.db")).exists();
  }

  private static void touch(Path file, long millis) throws Exception {
    Files.writeString(file, "x");
    Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(millis));
  }

  @Test
  void theSchemaSurvivesItsJsonWithSemicolonsInsideLiterals() throws Exception {
    Schema schema =
        new Schema(
            List.of(
                new Schema.Keyspace(
                    "shop",
                    List.of(
                        "CREATE KEYSPACE shop WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': '1'};",
                        "CREATE TABLE shop.t (k text PRIMARY KEY) WITH comment = 'a; b';"))));
    assertThat(Schema.fromJson(schema.toJson())).isEqualTo(schema);
  }
}
