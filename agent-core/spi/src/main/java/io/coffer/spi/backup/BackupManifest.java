package io.coffer.spi.backup;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The description of a completed backup, stored as JSON beside its data and written last: a backup
 * is COMPLETED exactly when its manifest exists.
 *
 * @param formatVersion layout version of the stored objects; {@link #FORMAT_VERSION} today
 * @param backupId the backup's id; also the key prefix of its objects
 * @param engine datastore engine id, e.g. {@code "mysql"}
 * @param engineVersion server version the backup was taken from, e.g. {@code "8.0.36"}
 * @param tool backup tool, e.g. {@code "xtrabackup"}, {@code "mysqldump"}
 * @param toolVersion version of that tool
 * @param type full, incremental or logical
 * @param parentId the backup an incremental one applies on top of; null otherwise
 * @param positions replication positions at the backup's consistent point; keys are the {@code
 *     POSITION_*} constants (engine-specific extra keys allowed), values as the engine prints them;
 *     empty when unknown
 * @param rawBytes bytes the engine tool produced (before compression)
 * @param compressedBytes bytes after compression, before encryption
 * @param storedBytes bytes of the stored data object (compressed and encrypted)
 * @param sha256 lower-case hex SHA-256 of the stored data object
 * @param compression compression format, e.g. {@code "zstd"}
 * @param encryption encryption scheme, e.g. {@code "tink:AES256_GCM_HKDF_16KB"} (AES-256-GCM-HKDF
 *     in 16 KiB segments)
 * @param keyId id of the master key that wraps this backup's data key
 * @param startedAt when the engine stream started
 * @param finishedAt when the data object was committed
 */
public record BackupManifest(
    int formatVersion,
    String backupId,
    String engine,
    String engineVersion,
    String tool,
    String toolVersion,
    BackupType type,
    String parentId,
    Map<String, String> positions,
    long rawBytes,
    long compressedBytes,
    long storedBytes,
    String sha256,
    String compression,
    String encryption,
    String keyId,
    Instant startedAt,
    Instant finishedAt) {

  /** The current value of {@link #formatVersion()}. */
  public static final int FORMAT_VERSION = 1;

  /** Binary log file name at the consistent point (MySQL/MariaDB). */
  public static final String POSITION_BINLOG_FILE = "binlog_file";

  /** Offset in {@link #POSITION_BINLOG_FILE}, in bytes. */
  public static final String POSITION_BINLOG_OFFSET = "binlog_offset";

  /** Executed GTID set (MySQL) or GTID position (MariaDB). */
  public static final String POSITION_GTID_SET = "gtid_set";

  /** Log sequence number (InnoDB LSN, PostgreSQL WAL LSN). */
  public static final String POSITION_LSN = "lsn";

  /**
   * Id of the log archive that continues this backup (the runtime records it when the instance
   * archives its log, see {@link LogArchiving}); a point-in-time restore replays log from it.
   */
  public static final String POSITION_LOG_ARCHIVE = "log_archive";

  public BackupManifest {
    Objects.requireNonNull(backupId, "backupId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(keyId, "keyId");
    positions = positions == null ? Map.of() : Map.copyOf(positions);
    if (type == BackupType.INCREMENTAL && parentId == null) {
      throw new IllegalArgumentException("an incremental backup needs a parentId");
    }
  }
}
