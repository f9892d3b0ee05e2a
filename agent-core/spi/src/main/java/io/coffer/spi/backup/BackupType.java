package io.coffer.spi.backup;

/** What a backup contains, in the engines' terms. */
public enum BackupType {
  /** A physical copy of the whole data directory (e.g. mariabackup, pg_basebackup). */
  FULL,
  /** Physical changes since a parent backup ({@link BackupManifest#parentId()}). */
  INCREMENTAL,
  /** A logical dump (SQL or engine-native export), restorable across versions. */
  LOGICAL
}
