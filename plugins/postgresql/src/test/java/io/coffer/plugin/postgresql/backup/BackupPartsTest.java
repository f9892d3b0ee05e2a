package io.coffer.plugin.postgresql.backup;

import static io.coffer.spi.backup.BackupManifest.POSITION_LSN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.plugin.kit.ToolVersion;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The parsing and naming pieces of backups, without a server. */
class BackupPartsTest {

  @Test
  void positionsComeFromTheVerboseOutput() throws IOException {
    String output =
        """
        pg_basebackup: initiating base backup, waiting for checkpoint to complete
        pg_basebackup: checkpoint completed
        pg_basebackup: write-ahead log start point: 0/2000028 on timeline 1
        pg_basebackup: write-ahead log end point: 1A/FF000100
        pg_basebackup: base backup completed
        """;
    assertThat(BackupPositions.parse(output))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                POSITION_LSN,
                "1A/FF000100",
                BackupPositions.START_LSN,
                "0/2000028",
                BackupPositions.TIMELINE,
                "1"));
    assertThatThrownBy(() -> BackupPositions.parse("pg_basebackup: error: connection failed"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("connection failed");
  }

  @Test
  void theBackupLabelNamesTheStart() {
    String label =
        """
        START WAL LOCATION: 0/2000028 (file 000000010000000000000002)
        CHECKPOINT LOCATION: 0/2000060
        BACKUP METHOD: streamed
        START TIMELINE: 1
        """;
    assertThat(BackupPositions.labelStart(label)).isEqualTo("0/2000028");
    assertThat(BackupPositions.labelStart("garbage")).isNull();
  }

  @Test
  void versions() {
    assertThat(
            ToolVersion.parse(
                "pg_basebackup (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n", Program.VERSION))
        .isEqualTo("15.18");
    assertThat(ToolVersion.parse("something else\nsecond line", Program.VERSION))
        .isEqualTo("something else");
    assertThat(ChainRules.major("15.18 (Debian 15.18-0+deb12u1)")).contains("15");
    assertThat(ChainRules.major("16beta1")).contains("16");
    assertThat(ChainRules.major("")).isEmpty();
  }

  @Test
  void slotNamesAreValidWhateverTheBackupId() {
    assertThat(WalHold.slotName("bk-6dc78fb84f29")).isEqualTo("coffer_backup_bk_6dc78fb84f29");
    assertThat(WalHold.slotName("X".repeat(100))).hasSize(63).matches("[a-z0-9_]+");
  }
}
