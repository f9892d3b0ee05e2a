package io.coffer.plugin.mysql.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.plugin.kit.ToolVersion;
import io.coffer.plugin.kit.datadir.DataDirSwap;
import io.coffer.plugin.mysql.server.ServerCommand;
import io.coffer.plugin.mysql.server.ServerSettings;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.backup.BackupManifest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backup package's parts that need no MariaDB: parsers, command lines, the data directory swap.
 */
class BackupPartsTest {

  @TempDir Path tmp;

  // Written by mariadb-backup 10.11.19 with --extra-lsndir (no binlog info file there).
  private static final String CHECKPOINTS =
      "backup_type = full-backuped\nfrom_lsn = 0\nto_lsn = 44388\n"
          + "last_lsn = 48178\nrecover_binlog_info = 0\n";
  private static final String INFO =
      "uuid = 446211e0\nname = \ntool_name = mariabackup\n"
          + "binlog_pos = filename 'mariadb-bin.000001', position '1289', GTID of the last change '0-12345-5'\n"
          + "innodb_from_lsn = 0\ninnodb_to_lsn = 44388\n";

  @Test
  void metadataFromTheExtraLsnDirOf1011() throws IOException {
    Files.writeString(tmp.resolve("xtrabackup_checkpoints"), CHECKPOINTS);
    Files.writeString(tmp.resolve("xtrabackup_info"), INFO);
    BackupMetadata m = BackupMetadata.read(tmp);
    assertThat(m.backupType()).isEqualTo(BackupMetadata.FULL);
    assertThat(m.positions())
        .containsExactly(
            Map.entry(BackupManifest.POSITION_LSN, "44388"),
            Map.entry("from_lsn", "0"),
            Map.entry("last_lsn", "48178"),
            Map.entry(BackupManifest.POSITION_BINLOG_FILE, "mariadb-bin.000001"),
            Map.entry(BackupManifest.POSITION_BINLOG_OFFSET, "1289"),
            Map.entry(BackupManifest.POSITION_GTID_SET, "0-12345-5"));
  }

  @Test
  void metadataFromAnExtractedStreamAndNewerFileNames() throws IOException {
    Files.writeString(
        tmp.resolve("mariadb_backup_checkpoints"),
        "backup_type = incremental\nfrom_lsn = 44388\nto_lsn = 50000\n");
    Files.writeString(tmp.resolve("xtrabackup_binlog_info"), "mariadb-bin.000003\t4242\t\n");
    BackupMetadata m = BackupMetadata.read(tmp);
    assertThat(m.backupType()).isEqualTo(BackupMetadata.INCREMENTAL);
    assertThat(m.fromLsn()).isEqualTo(44388);
    // no GTID yet, no last_lsn: left out rather than empty
    assertThat(m.positions())
        .containsOnlyKeys(
            BackupManifest.POSITION_LSN,
            "from_lsn",
            BackupManifest.POSITION_BINLOG_FILE,
            BackupManifest.POSITION_BINLOG_OFFSET);
  }

  @Test
  void metadataWithoutCheckpointsOrLsnIsAnError() throws IOException {
    assertThatThrownBy(() -> BackupMetadata.read(tmp))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a complete mariadb-backup backup");
    Files.writeString(
        tmp.resolve("xtrabackup_checkpoints"), "backup_type = full-backuped\nfrom_lsn = 0\n");
    assertThatThrownBy(() -> BackupMetadata.read(tmp))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("to_lsn");
  }

  @Test
  void dumpPositionsTakeTheHeadersFileAndTheLastGtidWithoutBufferingTheStream() throws IOException {
    String dump =
        "/*M!999999\\- enable the sandbox mode */ \n-- MariaDB dump 10.19\n"
            + "-- CHANGE MASTER TO MASTER_USE_GTID=slave_pos;\n"
            + "-- CHANGE MASTER TO MASTER_LOG_FILE='mariadb-bin.000002', MASTER_LOG_POS=2323;\n"
            + "INSERT INTO t VALUES ('"
            + "x".repeat(100_000)
            + "');\n"
            + "CREATE PROCEDURE p() BEGIN\n"
            + "-- CHANGE MASTER TO MASTER_LOG_FILE='forged', MASTER_LOG_POS=1;\n"
            + "-- SET GLOBAL gtid_slave_pos='9-9-9';\nEND;;\n"
            + "-- SET GLOBAL gtid_slave_pos='0-12345-11';\n-- Dump completed";
    DumpPositions scanner =
        new DumpPositions(new ByteArrayInputStream(dump.getBytes(StandardCharsets.UTF_8)));
    byte[] copy = scanner.readAllBytes();
    assertThat(new String(copy, StandardCharsets.UTF_8)).isEqualTo(dump);
    assertThat(scanner.positions())
        .containsExactly(
            Map.entry(BackupManifest.POSITION_BINLOG_FILE, "mariadb-bin.000002"),
            Map.entry(BackupManifest.POSITION_BINLOG_OFFSET, "2323"),
            Map.entry(BackupManifest.POSITION_GTID_SET, "0-12345-11"));
  }

  @Test
  void toolVersionsAsTheToolsPrintThem() {
    assertThat(
            ToolVersion.parse(
                "mariabackup based on MariaDB server 10.11.19-MariaDB debian-linux-gnu (x86_64)\n",
                Program.VERSION))
        .isEqualTo("10.11.19-MariaDB");
    assertThat(
            ToolVersion.parse(
                "mariadb-dump  Ver 10.19 Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)",
                Program.VERSION))
        .isEqualTo("10.11.19-MariaDB");
    assertThat(ToolVersion.parse("  something else\nsecond line", Program.VERSION))
        .isEqualTo("something else");
  }

  @Test
  void commandLinesStartWithNoDefaultsAndKeepNamesOutOfOptions() throws IOException {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    for (String name :
        List.of("mariadbd", "mariadb-backup", "mbstream", "mariadb-dump", "mariadb")) {
      Path p = Files.writeString(bin.resolve(name), "#!/bin/sh\nexit 0\n");
      p.toFile().setExecutable(true);
    }
    ServerSettings settings =
        new ServerSettings(
            bin.resolve("mariadbd"),
            bin.resolve("mariadb-install-db"),
            tmp.resolve("data"),
            tmp.resolve("run"),
            "127.0.0.1",
            3306,
            "mysql",
            true,
            "16M",
            7,
            Duration.ofMinutes(5),
            null);
    ToolCommands commands = new ToolCommands(settings, "root");
    String socket = "--socket=" + tmp.resolve("run/mysqld.sock");

    assertThat(commands.backup(tmp.resolve("s/tmp"), tmp.resolve("s/lsn"), "4242"))
        .containsExactly(
            bin.resolve("mariadb-backup").toString(),
            "--no-defaults",
            "--backup",
            "--stream=xbstream",
            socket,
            "--user=root",
            "--datadir=" + tmp.resolve("data"),
            "--target-dir=" + tmp.resolve("s/tmp"),
            "--extra-lsndir=" + tmp.resolve("s/lsn"),
            "--incremental-lsn=4242");
    assertThat(commands.backup(tmp.resolve("t"), tmp.resolve("l"), null))
        .noneMatch(a -> a.startsWith("--incremental"));
    assertThat(commands.prepareIncremental(tmp.resolve("0"), tmp.resolve("1")))
        .containsExactly(
            bin.resolve("mariadb-backup").toString(),
            "--no-defaults",
            "--prepare",
            "--target-dir=" + tmp.resolve("0"),
            "--use-memory=16M", // the server's innodb_buffer_pool_size in this test
            "--incremental-dir=" + tmp.resolve("1"));
    assertThat(commands.extract(tmp.resolve("0")))
        .containsExactly(
            bin.resolve("mbstream").toString(), "-x", "-C", tmp.resolve("0").toString());
    assertThat(commands.dump(List.of("-x", "shop")))
        .endsWith("--databases", "--", "-x", "shop")
        .contains(
            "--no-defaults",
            "--single-transaction",
            "--routines",
            "--triggers",
            "--events",
            "--master-data=2",
            "--gtid");
    assertThat(commands.dump(List.of()).get(1)).isEqualTo("--no-defaults");
    assertThat(commands.sqlClient())
        .containsExactly(
            bin.resolve("mariadb").toString(),
            "--no-defaults",
            socket,
            "--user=root",
            "--binary-mode",
            "--skip-print-query-on-error");
    assertThat(commands.chown(tmp.resolve("d")))
        .endsWith("-R", "--", "mysql:", tmp.resolve("d").toString());
  }

  @Test
  void aMissingToolNamesThePackageToInstall() {
    assertThatThrownBy(() -> Program.MARIADB_BACKUP.find(List.of(tmp)))
        .isInstanceOfSatisfying(
            DatastoreException.class,
            e -> assertThat(e.code()).isEqualTo(DatastoreException.Code.FAILED_PRECONDITION))
        .hasMessageContaining("install the mariadb-backup package");
    ServerSettings settings =
        new ServerSettings(
            tmp.resolve("mariadbd"),
            tmp.resolve("install"),
            tmp,
            tmp,
            "127.0.0.1",
            3306,
            "mysql",
            false,
            "16M",
            1,
            Duration.ofMinutes(5),
            null);
    assertThat(new ToolCommands(settings, "root").chownNeeded()).isFalse();
  }

  @Test
  void aReseedKeepsTheInstancesOwnFilesAndAPlainRestoreNone() throws IOException {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(data.resolve("ibdata1"), "old");
    Files.writeString(data.resolve("coffer-server.cnf"), "[mariadbd]\nmax_connections=77\n");
    Files.writeString(data.resolve(ServerCommand.INIT_FILE), "SET GLOBAL read_only = ON;\n");
    Files.writeString(data.resolve("other.cnf"), "not ours");

    DataDirSwap reseed = new DataDirSwap(data, null);
    Files.writeString(reseed.setAside().resolve("ibdata1"), "new");
    reseed.install();
    reseed.keepOwn(PhysicalRestore::instanceFile);
    assertThat(names(data))
        .contains("ibdata1", "coffer-server.cnf", ServerCommand.INIT_FILE)
        .doesNotContain("other.cnf");
    assertThat(Files.readString(data.resolve(ServerCommand.INIT_FILE))).contains("read_only = ON");
    reseed.putBack(); // the kept copies go too: the old files come back whole
    assertThat(names(data))
        .containsExactlyInAnyOrder(
            "ibdata1", "coffer-server.cnf", ServerCommand.INIT_FILE, "other.cnf");
    assertThat(Files.readString(data.resolve("ibdata1"))).isEqualTo("old");

    DataDirSwap restore = new DataDirSwap(data, null);
    Files.writeString(restore.setAside().resolve("ibdata1"), "new");
    restore.install();
    restore.discard();
    assertThat(names(data)).containsExactly("ibdata1");
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }
}
