package io.coffer.control.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.proto.v1.BackupState;
import io.coffer.proto.v1.BackupType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionTest {
  static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
  final List<BackupEntry> backups = new ArrayList<>();

  private BackupEntry add(String id, BackupType type, String parent, int daysAgo) {
    Instant at = NOW.minus(Duration.ofDays(daysAgo));
    BackupEntry e =
        new BackupEntry(
            id,
            "db1",
            type,
            parent,
            BackupState.BACKUP_STATE_COMPLETED,
            "c-" + id,
            "schedule",
            at,
            at,
            null,
            "");
    backups.add(e);
    return e;
  }

  private List<String> expired(int count, int days) {
    return new Retention(count, days)
        .expired(backups, NOW).stream().map(BackupEntry::backupId).toList();
  }

  @Test
  void keepsTheNewestChainsByCountWithTheirIncrementals() {
    add("f1", BackupType.BACKUP_TYPE_FULL, "", 30);
    add("i1", BackupType.BACKUP_TYPE_INCREMENTAL, "f1", 29);
    add("f2", BackupType.BACKUP_TYPE_FULL, "", 20);
    add("i2", BackupType.BACKUP_TYPE_INCREMENTAL, "f2", 19);
    add("i3", BackupType.BACKUP_TYPE_INCREMENTAL, "i2", 18);
    add("f3", BackupType.BACKUP_TYPE_FULL, "", 10);

    assertThat(expired(2, 0)).containsExactly("i1", "f1"); // dependents first
    assertThat(expired(1, 0)).containsExactly("i3", "i1", "i2", "f1", "f2");
    assertThat(expired(0, 0)).isEmpty();
  }

  @Test
  void byAgeNeverDeletesWhatAKeptIncrementalNeeds() {
    add("f1", BackupType.BACKUP_TYPE_FULL, "", 40);
    add("i1", BackupType.BACKUP_TYPE_INCREMENTAL, "f1", 35);
    add("i2", BackupType.BACKUP_TYPE_INCREMENTAL, "i1", 5); // young, so f1 and i1 stay
    add("f0", BackupType.BACKUP_TYPE_FULL, "", 60);

    assertThat(expired(0, 7)).containsExactly("f0");
  }

  @Test
  void theNewestChainIsKeptEvenWhenEverythingIsTooOld() {
    add("f1", BackupType.BACKUP_TYPE_FULL, "", 100);
    add("i1", BackupType.BACKUP_TYPE_INCREMENTAL, "f1", 99);
    add("f0", BackupType.BACKUP_TYPE_FULL, "", 200);

    assertThat(expired(0, 7)).containsExactly("f0");
  }

  @Test
  void logicalBackupsAreChainsOfTheirOwnAndFailedOnesAreIgnored() {
    add("l1", BackupType.BACKUP_TYPE_LOGICAL, "", 3);
    add("l2", BackupType.BACKUP_TYPE_LOGICAL, "", 2);
    add("f1", BackupType.BACKUP_TYPE_FULL, "", 1);
    backups.add(
        new BackupEntry(
            "bad",
            "db1",
            BackupType.BACKUP_TYPE_FULL,
            "",
            BackupState.BACKUP_STATE_FAILED,
            "c-bad",
            "schedule",
            NOW,
            NOW,
            null,
            "boom"));

    assertThat(expired(2, 0)).containsExactly("l1");
  }
}
