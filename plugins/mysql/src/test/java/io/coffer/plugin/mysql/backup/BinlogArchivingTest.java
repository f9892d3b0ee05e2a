package io.coffer.plugin.mysql.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.spi.backup.BackupManifest;
import io.coffer.spi.backup.BackupType;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which archived binary logs a point-in-time restore from a backup fetches (logic only). */
class BinlogArchivingTest {
  private final BinlogArchiving archiving = new BinlogArchiving(null, null, Duration.ofMinutes(5));

  private static BackupManifest base(Map<String, String> positions) {
    return new BackupManifest(
        1,
        "b-1",
        "mysql",
        "10.11",
        "mariadb-backup",
        "10.11",
        BackupType.FULL,
        null,
        positions,
        1,
        1,
        1,
        "00",
        "zstd",
        "tink",
        "mk-1",
        Instant.EPOCH,
        Instant.EPOCH);
  }

  @Test
  void filesFromTheBackupsBinlogFileOnAreNeeded() {
    BackupManifest b =
        base(
            Map.of(
                BackupManifest.POSITION_BINLOG_FILE,
                "mariadb-bin.000009",
                BackupManifest.POSITION_BINLOG_OFFSET,
                "342"));
    assertThat(archiving.neededAfter(b, "mariadb-bin.000008")).isFalse();
    assertThat(archiving.neededAfter(b, "mariadb-bin.000009")).isTrue();
    assertThat(archiving.neededAfter(b, "mariadb-bin.000010")).isTrue();
    assertThat(archiving.neededAfter(b, "mariadb-bin.1000000")).isTrue();
    assertThat(archiving.neededAfter(b, "other-bin.000010")).isFalse();
    assertThat(archiving.neededAfter(b, "mariadb-bin.index")).isFalse();
  }

  @Test
  void binlogFilesAreOrderedByTheirNumberNotTheirName() {
    assertThat(BinlogArchiving.index("mariadb-bin.000010").getAsLong()).isEqualTo(10);
    assertThat(BinlogArchiving.index("mariadb-bin.1000000").getAsLong()).isGreaterThan(999_999);
    assertThat(BinlogArchiving.index("mariadb-bin.index")).isEmpty();
  }
}
