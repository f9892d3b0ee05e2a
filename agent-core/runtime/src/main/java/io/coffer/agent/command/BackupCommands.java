package io.coffer.agent.command;

import com.google.protobuf.Timestamp;
import io.coffer.agent.archive.ArchiveKeys;
import io.coffer.agent.archive.LogArchiver;
import io.coffer.agent.backup.BackupService;
import io.coffer.agent.backup.JobProgress;
import io.coffer.agent.backup.MasterKey;
import io.coffer.proto.v1.ArchiveKey;
import io.coffer.proto.v1.CreateBackup;
import io.coffer.proto.v1.Done;
import io.coffer.proto.v1.FlushLogArchive;
import io.coffer.proto.v1.LogArchiveFlushed;
import io.coffer.proto.v1.OperationResult;
import io.coffer.proto.v1.RestoreBackup;
import io.coffer.proto.v1.WrappingKey;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.backup.BackupManifest;
import io.coffer.spi.backup.BackupType;
import io.coffer.spi.backup.RecoveryTarget;
import java.time.Duration;
import java.time.Instant;

/** Translates the backup operations between proto and {@link BackupService}. */
final class BackupCommands {
  private static final int DEFAULT_FLUSH_SECONDS = 120;
  private static final int MAX_FLUSH_SECONDS = 3600;
  private final BackupService backups;

  /** See {@link BackupService#replicaAttached}. */
  void replicaAttached() {
    backups.replicaAttached();
  }

  BackupCommands(BackupService backups) {
    this.backups = backups;
  }

  OperationResult create(CreateBackup op, JobProgress progress) {
    BackupManifest m =
        backups.create(
            op.getBackupId(), type(op.getType()), op.getParentId(), key(op.getKey()), progress);
    return OperationResult.newBuilder().setBackup(toProto(m)).build();
  }

  OperationResult restore(RestoreBackup op, JobProgress progress) {
    BackupService.PointInTime pointInTime = null;
    int targets =
        (op.hasTargetTime() ? 1 : 0)
            + (op.getToEndOfArchive() ? 1 : 0)
            + (op.getTargetLsn().isEmpty() ? 0 : 1)
            + (op.getTargetName().isEmpty() ? 0 : 1)
            + (op.getTargetGtid().isEmpty() ? 0 : 1);
    if (targets > 1) {
      throw DatastoreException.invalidArgument(
          "target_time",
          "give at most one of target_time, target_lsn, target_name, target_gtid and to_end_of_archive");
    }
    if (op.getToEndOfArchive()) {
      pointInTime =
          new BackupService.PointInTime(
              RecoveryTarget.END_OF_ARCHIVE, archiveKey(op.getArchiveKey()));
    }
    if (!op.getTargetLsn().isEmpty()) {
      pointInTime =
          new BackupService.PointInTime(
              RecoveryTarget.atLsn(op.getTargetLsn()), archiveKey(op.getArchiveKey()));
    }
    if (!op.getTargetName().isEmpty()) {
      pointInTime =
          new BackupService.PointInTime(
              RecoveryTarget.atName(op.getTargetName()), archiveKey(op.getArchiveKey()));
    }
    if (!op.getTargetGtid().isEmpty()) {
      pointInTime =
          new BackupService.PointInTime(
              RecoveryTarget.atGtid(op.getTargetGtid()), archiveKey(op.getArchiveKey()));
    }
    if (op.hasTargetTime()) {
      Timestamp t = op.getTargetTime();
      if (t.getSeconds() <= 0 || t.getNanos() < 0 || t.getNanos() > 999_999_999) {
        throw DatastoreException.invalidArgument(
            "target_time", "is not a valid instant after 1970");
      }
      pointInTime =
          new BackupService.PointInTime(
              RecoveryTarget.at(Instant.ofEpochSecond(t.getSeconds(), t.getNanos())),
              archiveKey(op.getArchiveKey()));
    }
    if (op.getReseedReplica()) {
      if (!op.getAsReplica() || pointInTime != null) {
        throw DatastoreException.invalidArgument(
            "reseed_replica",
            "re-seeds a replica: it needs as_replica and" + " no point-in-time target");
      }
      backups.reseed(op.getBackupId(), key(op.getKey()), progress);
      return OperationResult.newBuilder().setDone(Done.getDefaultInstance()).build();
    }
    backups.restore(
        op.getBackupId(),
        key(op.getKey()),
        new BackupService.RestoreOptions(op.getAsReplica(), pointInTime),
        progress);
    return OperationResult.newBuilder().setDone(Done.getDefaultInstance()).build();
  }

  OperationResult flushLogArchive(FlushLogArchive op) {
    int seconds = op.getTimeoutSeconds() == 0 ? DEFAULT_FLUSH_SECONDS : op.getTimeoutSeconds();
    if (seconds > MAX_FLUSH_SECONDS) {
      throw DatastoreException.invalidArgument(
          "timeout_seconds", "must be at most " + MAX_FLUSH_SECONDS);
    }
    LogArchiver.Archived done = backups.flushLogArchive(Duration.ofSeconds(seconds));
    return OperationResult.newBuilder()
        .setLogArchive(
            LogArchiveFlushed.newBuilder()
                .setArchiveId(backups.archiveId())
                .setFile(done.name())
                .setArchivedAt(timestamp(done.at())))
        .build();
  }

  private static ArchiveKeys.PrivateKey archiveKey(ArchiveKey key) {
    if (key.getKeyId().isEmpty() || key.getKeyset().isEmpty()) {
      throw DatastoreException.invalidArgument(
          "archive_key", "a point-in-time restore needs the archive's private key");
    }
    try {
      return ArchiveKeys.PrivateKey.fromKeyset(key.getKeyId(), key.getKeyset().toByteArray());
    } catch (IllegalArgumentException e) {
      throw DatastoreException.invalidArgument("archive_key.keyset", e.getMessage());
    }
  }

  OperationResult delete(String backupId) {
    backups.delete(backupId);
    return OperationResult.newBuilder().setDone(Done.getDefaultInstance()).build();
  }

  static BackupType type(io.coffer.proto.v1.BackupType type) {
    return switch (type) {
      case BACKUP_TYPE_FULL -> BackupType.FULL;
      case BACKUP_TYPE_INCREMENTAL -> BackupType.INCREMENTAL;
      case BACKUP_TYPE_LOGICAL -> BackupType.LOGICAL;
      default -> null;
    };
  }

  static io.coffer.proto.v1.BackupType type(BackupType type) {
    return switch (type) {
      case FULL -> io.coffer.proto.v1.BackupType.BACKUP_TYPE_FULL;
      case INCREMENTAL -> io.coffer.proto.v1.BackupType.BACKUP_TYPE_INCREMENTAL;
      case LOGICAL -> io.coffer.proto.v1.BackupType.BACKUP_TYPE_LOGICAL;
    };
  }

  private static MasterKey key(WrappingKey key) {
    if (key.getKeyId().isEmpty() || key.getKeyset().isEmpty()) {
      throw DatastoreException.invalidArgument(
          "key", "a wrapping key (key_id and keyset) is required");
    }
    try {
      return MasterKey.fromKeyset(key.getKeyId(), key.getKeyset().toByteArray());
    } catch (IllegalArgumentException e) {
      throw DatastoreException.invalidArgument("key.keyset", e.getMessage());
    }
  }

  static io.coffer.proto.v1.BackupManifest toProto(BackupManifest m) {
    io.coffer.proto.v1.BackupManifest.Builder b =
        io.coffer.proto.v1.BackupManifest.newBuilder()
            .setBackupId(m.backupId())
            .setEngine(nz(m.engine()))
            .setEngineVersion(nz(m.engineVersion()))
            .setTool(nz(m.tool()))
            .setToolVersion(nz(m.toolVersion()))
            .setType(type(m.type()))
            .setParentId(nz(m.parentId()))
            .putAllPositions(m.positions())
            .setRawBytes(m.rawBytes())
            .setCompressedBytes(m.compressedBytes())
            .setStoredBytes(m.storedBytes())
            .setSha256(m.sha256())
            .setCompression(nz(m.compression()))
            .setEncryption(nz(m.encryption()))
            .setKeyId(m.keyId());
    if (m.startedAt() != null) {
      b.setStartedAt(timestamp(m.startedAt()));
    }
    if (m.finishedAt() != null) {
      b.setFinishedAt(timestamp(m.finishedAt()));
    }
    return b.build();
  }

  private static Timestamp timestamp(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
