package io.coffer.plugin.postgresql.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.spi.backup.BackupManifest;
import io.coffer.spi.backup.BackupType;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which archived files a point-in-time restore from a base backup fetches (logic only). */
class WalArchivingTest {
  private final WalArchiving archiving = new WalArchiving(null, null);

  private static BackupManifest base(String startLsn, String timeline) {
    return new BackupManifest(
        1,
        "b-1",
        "postgresql",
        "15",
        "pg_basebackup",
        "15",
        BackupType.FULL,
        null,
        Map.of(
            BackupPositions.START_LSN,
            startLsn,
            BackupPositions.TIMELINE,
            timeline,
            "lsn",
            startLsn),
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
  void segmentsFromTheOneHoldingTheStartPointOnAreNeeded() {
    BackupManifest b = base("1/3000028", "1"); // segment 1 * 256 + 3
    assertThat(archiving.neededAfter(b, "000000010000000100000002")).isFalse();
    assertThat(archiving.neededAfter(b, "000000010000000100000003")).isTrue();
    assertThat(archiving.neededAfter(b, "0000000100000001000000FF")).isTrue();
    assertThat(archiving.neededAfter(b, "000000010000000200000000")).isTrue();
    assertThat(archiving.neededAfter(b, "000000010000000000000009")).isFalse();
  }

  @Test
  void laterTimelinesAndHistoryFilesAreNeededEarlierTimelinesAndBackupFilesAreNot() {
    BackupManifest b = base("0/5000060", "2");
    assertThat(archiving.neededAfter(b, "000000020000000000000005")).isTrue();
    assertThat(archiving.neededAfter(b, "000000030000000000000007")).isTrue();
    assertThat(archiving.neededAfter(b, "000000010000000000000009")).isFalse();
    assertThat(archiving.neededAfter(b, "00000003.history")).isTrue();
    assertThat(archiving.neededAfter(b, "000000020000000000000005.00000060.backup")).isFalse();
    assertThat(archiving.neededAfter(b, "000000020000000000000006.partial")).isFalse();
  }

  @Test
  void onlyNamesTheArchiverWritesAreArchived() {
    assertThat(WalFileName.archivable("000000010000000000000001")).isTrue();
    assertThat(WalFileName.archivable("00000002.history")).isTrue();
    assertThat(WalFileName.archivable("000000010000000000000001.00000028.backup")).isTrue();
    assertThat(WalFileName.archivable("archtemp000000010000000000000001.12.34")).isFalse();
    assertThat(WalFileName.archivable("../000000010000000000000001")).isFalse();
  }
}
