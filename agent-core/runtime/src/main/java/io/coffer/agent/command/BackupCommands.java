package io.coffer.agent.command;

import com.google.protobuf.Timestamp;
import io.coffer.agent.backup.BackupService;
import io.coffer.agent.backup.MasterKey;
import io.coffer.agent.backup.JobProgress;
import io.coffer.proto.v1.CreateBackup;
import io.coffer.proto.v1.Done;
import io.coffer.proto.v1.OperationResult;
import io.coffer.proto.v1.RestoreBackup;
import io.coffer.proto.v1.WrappingKey;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.backup.BackupManifest;
import io.coffer.spi.backup.BackupType;
import java.time.Instant;

/** Translates the backup operations between proto and {@link BackupService}. */
final class BackupCommands {
  private final BackupService backups;

  BackupCommands(BackupService backups) {
    this.backups = backups;
  }

  OperationResult create(CreateBackup op, JobProgress progress) {
    BackupManifest m = backups.create(op.getBackupId(), type(op.getType()), op.getParentId(), key(op.getKey()), progress);
    return OperationResult.newBuilder().setBackup(toProto(m)).build();
  }

  OperationResult restore(RestoreBackup op, JobProgress progress) {
    backups.restore(op.getBackupId(), key(op.getKey()), op.getAsReplica(), progress);
    return OperationResult.newBuilder().setDone(Done.getDefaultInstance()).build();
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
      throw DatastoreException.invalidArgument("key", "a wrapping key (key_id and keyset) is required");
    }
    try {
      return MasterKey.fromKeyset(key.getKeyId(), key.getKeyset().toByteArray());
    } catch (IllegalArgumentException e) {
      throw DatastoreException.invalidArgument("key.keyset", e.getMessage());
    }
  }

  static io.coffer.proto.v1.BackupManifest toProto(BackupManifest m) {
    io.coffer.proto.v1.BackupManifest.Builder b = io.coffer.proto.v1.BackupManifest.newBuilder()
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
