package io.coffer.control.backup;

import com.google.protobuf.Timestamp;
import io.coffer.proto.v1.Backup;
import io.coffer.proto.v1.BackupManifest;
import io.coffer.proto.v1.BackupState;
import io.coffer.proto.v1.BackupType;
import java.time.Instant;
import java.util.Objects;

/**
 * One backup in the control's catalog.
 *
 * @param parentId the parent of an incremental backup, else ""
 * @param origin {@code "user"}, {@code "schedule"} or {@code "workflow"} (e.g. creating a replica)
 * @param finished null while PENDING
 * @param manifest null unless COMPLETED
 * @param error "" unless FAILED
 * @param takenOn the instance whose agent takes (took) the backup and deletes it: the instance
 *     itself, or one of its caught-up replicas
 */
public record BackupEntry(
    String backupId,
    String instanceId,
    BackupType type,
    String parentId,
    BackupState state,
    String commandId,
    String origin,
    Instant created,
    Instant finished,
    BackupManifest manifest,
    String error,
    String takenOn) {

  public static final String ORIGIN_USER = "user";
  public static final String ORIGIN_SCHEDULE = "schedule";
  public static final String ORIGIN_WORKFLOW = "workflow";

  public BackupEntry {
    Objects.requireNonNull(backupId, "backupId");
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(state, "state");
    parentId = parentId == null ? "" : parentId;
    error = error == null ? "" : error;
    takenOn = takenOn == null || takenOn.isEmpty() ? instanceId : takenOn;
  }

  /** A backup taken on the instance itself. */
  public BackupEntry(
      String backupId,
      String instanceId,
      BackupType type,
      String parentId,
      BackupState state,
      String commandId,
      String origin,
      Instant created,
      Instant finished,
      BackupManifest manifest,
      String error) {
    this(
        backupId,
        instanceId,
        type,
        parentId,
        state,
        commandId,
        origin,
        created,
        finished,
        manifest,
        error,
        instanceId);
  }

  BackupEntry completed(BackupManifest m, Instant at) {
    return new BackupEntry(
        backupId,
        instanceId,
        type,
        parentId,
        BackupState.BACKUP_STATE_COMPLETED,
        commandId,
        origin,
        created,
        at,
        m,
        "",
        takenOn);
  }

  BackupEntry failed(String message, Instant at) {
    return new BackupEntry(
        backupId,
        instanceId,
        type,
        parentId,
        BackupState.BACKUP_STATE_FAILED,
        commandId,
        origin,
        created,
        at,
        null,
        message,
        takenOn);
  }

  BackupEntry deleting() {
    return new BackupEntry(
        backupId,
        instanceId,
        type,
        parentId,
        BackupState.BACKUP_STATE_DELETING,
        commandId,
        origin,
        created,
        finished,
        manifest,
        error,
        takenOn);
  }

  /** When it stopped running; for retention, a COMPLETED backup's age counts from here. */
  Instant finishedOrCreated() {
    return finished != null ? finished : created;
  }

  public Backup toProto() {
    Backup.Builder b =
        Backup.newBuilder()
            .setBackupId(backupId)
            .setInstanceId(instanceId)
            .setType(type)
            .setParentId(parentId)
            .setState(state)
            .setCommandId(commandId)
            .setOrigin(origin)
            .setCreated(ts(created))
            .setErrorMessage(error)
            .setTakenOnInstanceId(takenOn);
    if (finished != null) {
      b.setFinished(ts(finished));
    }
    if (manifest != null) {
      b.setManifest(manifest);
    }
    return b.build();
  }

  private static Timestamp ts(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }
}
