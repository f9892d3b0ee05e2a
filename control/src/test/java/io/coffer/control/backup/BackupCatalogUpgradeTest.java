package io.coffer.control.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.proto.v1.BackupState;
import io.coffer.proto.v1.BackupType;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A catalog written by the previous control (format 1, no taken_on) opens, upgraded, with its
 * backups.
 */
class BackupCatalogUpgradeTest {
  @TempDir Path dir;

  @Test
  void aFormat1CatalogGainsTakenOnAndKeepsItsBackups() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("backups.db"));
        Statement s = c.createStatement()) {
      s.execute(
          """
          CREATE TABLE backups (backup_id TEXT PRIMARY KEY, instance_id TEXT NOT NULL, type INTEGER NOT NULL,
            parent_id TEXT NOT NULL, state INTEGER NOT NULL, command_id TEXT NOT NULL UNIQUE, origin TEXT NOT NULL,
            created_at INTEGER NOT NULL, finished_at INTEGER, manifest BLOB, error TEXT NOT NULL)""");
      s.execute(
          "CREATE TABLE schedules (instance_id TEXT PRIMARY KEY, schedule BLOB NOT NULL,"
              + " last_full INTEGER NOT NULL, last_incremental INTEGER NOT NULL)");
      s.execute(
          "INSERT INTO backups VALUES ('bk-000000000001', 'db-1', "
              + BackupType.BACKUP_TYPE_FULL_VALUE
              + ", '', "
              + BackupState.BACKUP_STATE_FAILED_VALUE
              + ", 'c-1', 'user', 1, 2, NULL, 'old')");
      s.execute("PRAGMA user_version = 1");
    }
    try (BackupCatalog catalog = BackupCatalog.open(dir)) {
      BackupEntry old = catalog.get("bk-000000000001").orElseThrow();
      assertThat(old.takenOn()).isEqualTo("db-1");
      assertThat(old.error()).isEqualTo("old");
      catalog.insertIfAbsent(
          new BackupEntry(
              "bk-000000000002",
              "db-1",
              BackupType.BACKUP_TYPE_FULL,
              "",
              BackupState.BACKUP_STATE_PENDING,
              "c-2",
              "user",
              Instant.now(),
              null,
              null,
              "",
              "db-1-replica"));
    }
    try (BackupCatalog catalog = BackupCatalog.open(dir)) {
      assertThat(catalog.get("bk-000000000002").orElseThrow().takenOn()).isEqualTo("db-1-replica");
    }
  }
}
