package io.coffer.control.cli;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.Timestamp;
import io.coffer.proto.v1.CommandReply;
import io.coffer.proto.v1.RestoreBackupRequest;
import io.grpc.StatusRuntimeException;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code coffer restore BACKUP_ID --instance INSTANCE [--target-time TIME]}. */
@Command(
    name = "restore",
    description = {
      "Restore a backup into an empty instance of the same engine, and wait until the restore ends.",
      "The chain of backups it builds on is restored with it, full first. Progress is shown on stderr: MiB "
          + "processed, and percent done when the agent knows the total.",
      "Every backup of the chain is verified (SHA-256 and authentication tags) before the instance is changed: "
          + "a corrupt backup fails with DATA_LOSS and leaves the instance untouched. The target's agent must "
          + "reach the backup's storage.",
      "With --target-time, a point-in-time restore: after the backup, the instance's archived log (WAL, binary "
          + "logs) is replayed up to that instant, keeping every transaction committed at or before it and none "
          + "after (MariaDB: to the second, see the README). "
          + "The time must be after the backup finished and not after the newest archived log ('coffer archive "
          + "flush' archives everything up to now); otherwise INVALID_ARGUMENT names target_time.",
      "--timeout bounds the whole restore (default: the control's job timeout, 24h). Errors: NOT_FOUND (backup "
          + "or instance), FAILED_PRECONDITION (backup not completed, instance not empty), DATA_LOSS. "
          + "Interrupting the wait (Ctrl-C) does not stop the restore: follow it with 'coffer command show ID'."
    })
final class BackupRestore extends MutatingCommand {

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "BACKUP_ID",
      description =
          "The COMPLETED backup to restore; may be left out with --from and --target-time or --latest.")
  String backupId;

  @Option(
      names = "--from",
      paramLabel = "INSTANCE",
      description =
          "With --target-time or --latest and no BACKUP_ID: restore INSTANCE's newest full or incremental "
              + "backup that finished before the target (for --latest: its newest), chosen by the control.")
  String fromInstance;

  @Option(
      names = "--instance",
      paramLabel = "INSTANCE",
      required = true,
      description = "The instance to restore into: it must be empty and run the backup's engine.")
  String instanceId;

  @Option(
      names = "--target-time",
      paramLabel = "TIME",
      converter = InstantConverter.class,
      description =
          "Restore to this point in time: an ISO-8601 instant with its offset, e.g. "
              + "2026-12-04T10:15:30Z or 2026-12-04T11:15:30.5+01:00.")
  Instant targetTime;

  @Option(
      names = "--target-lsn",
      paramLabel = "LSN",
      description = "Restore up to and including this WAL position (PostgreSQL, e.g. 0/3000060).")
  String targetLsn;

  @Option(
      names = "--target-name",
      paramLabel = "NAME",
      description =
          "Restore up to this named restore point (PostgreSQL: SELECT pg_create_restore_point('NAME')).")
  String targetName;

  @Option(
      names = "--target-gtid",
      paramLabel = "GTID",
      description =
          "Restore up to and including this transaction (MariaDB GTID, e.g. 0-1-42, as SELECT "
              + "@@gtid_binlog_pos shows it; one per domain, comma-separated). Flush the archive first "
              + "('coffer archive flush') if the transaction is recent.")
  String targetGtid;

  @Option(
      names = "--latest",
      description =
          "Restore as much as the log archive holds: the backup, then every "
              + "archived log file after it (disaster recovery). Not with --target-time.")
  boolean latest;

  @Override
  int run(ControlClient client) {
    if ((backupId == null) == (fromInstance == null)) {
      throw new CliException(
          ExitCodes.USAGE, "give a BACKUP_ID or --from INSTANCE (with --target-time or --latest)");
    }
    RestoreBackupRequest.Builder request =
        RestoreBackupRequest.newBuilder()
            .setBackupId(backupId == null ? "" : backupId)
            .setSourceInstanceId(fromInstance == null ? "" : fromInstance)
            .setInstanceId(instanceId)
            .setOptions(options(client));
    if ((latest ? 1 : 0)
            + (targetTime != null ? 1 : 0)
            + (targetLsn != null ? 1 : 0)
            + (targetName != null ? 1 : 0)
            + (targetGtid != null ? 1 : 0)
        > 1) {
      throw new CliException(
          ExitCodes.USAGE,
          "give at most one of --target-time, --target-lsn, --target-name, --target-gtid, --latest");
    }
    request.setToEndOfArchive(latest);
    if (targetLsn != null) {
      request.setTargetLsn(targetLsn);
    }
    if (targetName != null) {
      request.setTargetName(targetName);
    }
    if (targetGtid != null) {
      request.setTargetGtid(targetGtid);
    }
    if (targetTime != null) {
      request.setTargetTime(
          Timestamp.newBuilder()
              .setSeconds(targetTime.getEpochSecond())
              .setNanos(targetTime.getNano()));
    }
    ListenableFuture<CommandReply> call = client.backupJobsAsync().restoreBackup(request.build());
    JobWatch progress =
        new JobWatch(
            err(), cli().stderrIsTerminal(), "restore of " + what() + " into " + instanceId);
    CommandReply reply;
    try {
      reply = await(call, client, progress);
    } finally {
      progress.clear();
    }
    Replies.print(
        output(),
        reply,
        commandId(),
        "Restored "
            + what()
            + " into "
            + instanceId
            + upTo()
            + " in "
            + Output.duration(progress.elapsed()));
    return ExitCodes.OK;
  }

  private String what() {
    return backupId != null ? "backup " + backupId : "the newest backup of " + fromInstance;
  }

  private String upTo() {
    return targetTime != null
        ? " up to " + targetTime
        : targetLsn != null
            ? " up to LSN " + targetLsn
            : targetName != null
                ? " up to restore point " + targetName
                : targetGtid != null
                    ? " up to GTID " + targetGtid
                    : latest ? " up to the end of its log archive" : "";
  }

  /** Waits for the restore's answer, showing its command's progress meanwhile. */
  private CommandReply await(
      ListenableFuture<CommandReply> call, ControlClient client, JobWatch progress) {
    try {
      while (true) {
        try {
          return call.get(JobWatch.POLL_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          progress.poll(client, commandId());
        }
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StatusRuntimeException status) {
        throw status; // a one-line error with the command id, from ClientCommand
      }
      throw new CliException(ExitCodes.FAILURE, "restore failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      call.cancel(true);
      Thread.currentThread().interrupt();
      throw new CliException(
          ExitCodes.FAILURE,
          "interrupted; the restore goes on: follow it with 'coffer command show "
              + commandId()
              + "'");
    }
  }
}
