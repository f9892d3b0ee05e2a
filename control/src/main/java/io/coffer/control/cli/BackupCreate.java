package io.coffer.control.cli;

import io.coffer.proto.v1.Backup;
import io.coffer.proto.v1.BackupManifest;
import io.coffer.proto.v1.BackupState;
import io.coffer.proto.v1.BackupType;
import io.coffer.proto.v1.CreateBackupRequest;
import io.coffer.proto.v1.GetBackupRequest;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code coffer backup create INSTANCE}. */
@Command(
    name = "create",
    description = {
      "Back up an instance: a full physical copy (default), an incremental or a logical backup.",
      "--incremental stores the changes since a parent backup; --logical a dump, restorable into other "
          + "versions of the engine.",
      "Prints the backup id and command id, then waits until the backup ends, showing its progress on stderr "
          + "(MiB processed, and percent done when the agent knows the total), and prints a summary: id, type, "
          + "raw and stored size, duration. Exit code 1 when the backup fails, with the agent's error.",
      "Interrupting the wait (Ctrl-C) does not stop the backup: follow it with 'coffer backup show ID'. "
          + "Retrying with the same --command-id returns the same backup and waits for it again."
    })
final class BackupCreate extends MutatingCommand {

  @Parameters(index = "0", paramLabel = "INSTANCE", description = "Instance id.")
  String instanceId;

  @Option(
      names = "--incremental",
      description =
          "Take an incremental backup: the changes since --parent (physical backups only).")
  boolean incremental;

  @Option(
      names = "--parent",
      paramLabel = "BACKUP_ID",
      description =
          "With --incremental: the COMPLETED full or incremental backup of the same instance to build on "
              + "(default: the instance's newest one).")
  String parentId;

  @Option(
      names = "--logical",
      description =
          "Take a logical backup (MariaDB: mariadb-dump) instead of a physical copy: slower to take and "
              + "restore, but restorable into other versions. Not with --incremental.")
  boolean logical;

  @Option(
      names = "--no-wait",
      description =
          "Return once the backup has started (state pending); follow it with 'coffer backup show ID'.")
  boolean noWait;

  @Override
  public Integer call() {
    validate(); // before connecting
    return super.call();
  }

  void validate() {
    if (incremental && logical) {
      throw new ParameterException(
          spec.commandLine(),
          "--incremental and --logical are mutually exclusive: an incremental backup is physical");
    }
    if (parentId != null && !incremental) {
      throw new ParameterException(
          spec.commandLine(), "--parent is only allowed with --incremental");
    }
    if (parentId != null && parentId.isBlank()) {
      throw new ParameterException(
          spec.commandLine(), "Invalid value for option '--parent': the backup id is empty");
    }
  }

  BackupType type() {
    return incremental
        ? BackupType.BACKUP_TYPE_INCREMENTAL
        : logical ? BackupType.BACKUP_TYPE_LOGICAL : BackupType.BACKUP_TYPE_FULL;
  }

  @Override
  int run(ControlClient client) {
    Backup backup =
        client
            .backups()
            .createBackup(
                CreateBackupRequest.newBuilder()
                    .setInstanceId(instanceId)
                    .setOptions(options(client))
                    .setType(type())
                    .setParentId(parentId != null ? parentId : "")
                    .build());
    String commandId = backup.getCommandId().isEmpty() ? commandId() : backup.getCommandId();
    String what =
        Output.label(backup.getType(), "BACKUP_TYPE_")
            + " backup "
            + backup.getBackupId()
            + " of "
            + backup.getInstanceId();
    if (noWait) {
      if (output().json()) {
        output().json(backup);
      } else {
        output()
            .line(
                "Started "
                    + what
                    + " (command-id "
                    + commandId
                    + "); follow it with 'coffer backup show "
                    + backup.getBackupId()
                    + "'");
      }
      return ExitCodes.OK;
    }
    if (!output().json()) {
      output().line("Started " + what + " (command-id " + commandId + ")");
    }
    JobWatch progress =
        new JobWatch(
            err(),
            cli().stderrIsTerminal(),
            "backup " + backup.getBackupId() + " of " + backup.getInstanceId());
    try {
      while (backup.getState() == BackupState.BACKUP_STATE_PENDING) {
        try {
          Thread.sleep(JobWatch.POLL_INTERVAL.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new CliException(
              ExitCodes.FAILURE,
              "interrupted; backup "
                  + backup.getBackupId()
                  + " goes on: follow it with 'coffer backup show "
                  + backup.getBackupId()
                  + "'");
        }
        progress.poll(client, commandId);
        backup =
            client
                .backups()
                .getBackup(GetBackupRequest.newBuilder().setBackupId(backup.getBackupId()).build());
      }
    } finally {
      progress.clear();
    }
    if (output().json()) {
      output().json(backup);
    }
    if (backup.getState() == BackupState.BACKUP_STATE_FAILED) {
      throw new CliException(
          ExitCodes.FAILURE,
          what
              + " failed: "
              + Output.orDash(backup.getErrorMessage())
              + " (command-id "
              + commandId
              + ")");
    }
    if (backup.getState() != BackupState.BACKUP_STATE_COMPLETED) {
      throw new CliException(
          ExitCodes.FAILURE,
          what
              + " is "
              + Output.label(backup.getState(), "BACKUP_STATE_")
              + ", not completed (command-id "
              + commandId
              + ")");
    }
    if (!output().json()) {
      output().line("Completed " + what + " (command-id " + commandId + "):");
      output().fields(summary(backup));
    }
    return ExitCodes.OK;
  }

  /** Id, type, sizes and duration of a completed backup, as indented fields. */
  static List<String[]> summary(Backup backup) {
    BackupManifest manifest = backup.getManifest();
    String type =
        Output.label(backup.getType(), "BACKUP_TYPE_")
            + (backup.getParentId().isEmpty() ? "" : " (parent " + backup.getParentId() + ")");
    String duration =
        Output.isSet(manifest.getStartedAt()) && Output.isSet(manifest.getFinishedAt())
            ? Output.duration(manifest.getStartedAt(), manifest.getFinishedAt())
            : Output.duration(backup.getCreated(), backup.getFinished());
    return List.of(
        new String[] {"  id", backup.getBackupId()},
        new String[] {"  type", type},
        new String[] {"  raw size", BackupShow.size(manifest.getRawBytes())},
        new String[] {"  stored size", BackupShow.size(manifest.getStoredBytes())},
        new String[] {"  duration", duration});
  }
}
