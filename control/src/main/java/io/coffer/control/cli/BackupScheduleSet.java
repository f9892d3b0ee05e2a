package io.coffer.control.cli;

import io.coffer.proto.v1.BackupSchedule;
import io.coffer.proto.v1.SetBackupScheduleRequest;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code coffer backup schedule set INSTANCE --full CRON}. */
@Command(
    name = "set",
    description = {
      "Create or replace an instance's backup schedule. Options not given are reset: no incremental backups, "
          + "no retention limit.",
      "Cron expressions have 5 fields, minute hour day-of-month month day-of-week, evaluated in UTC; quote "
          + "them. A bad expression or limit fails with INVALID_ARGUMENT naming the field (exit code 2).",
      "Retention: backups beyond --keep-count full chains, or older than --keep-days, are deleted; the newest "
          + "full chain is always kept, and so is every backup a kept backup depends on."
    })
final class BackupScheduleSet extends ClientCommand {

  @Parameters(index = "0", paramLabel = "INSTANCE", description = "Instance id.")
  String instanceId;

  @Option(
      names = "--full",
      paramLabel = "CRON",
      required = true,
      description = "When to take full backups, e.g. \"0 3 * * *\" (03:00 UTC every day).")
  String fullCron;

  @Option(
      names = "--incremental",
      paramLabel = "CRON",
      description =
          "When to take incremental backups between fulls, on the newest full chain, e.g. "
              + "\"0 */4 * * *\" (every 4 hours; default: none).")
  String incrementalCron;

  @Option(
      names = "--keep-count",
      paramLabel = "N",
      description =
          "Keep the newest N full backups with their incrementals (default 0: no limit by count).")
  int keepCount;

  @Option(
      names = "--keep-days",
      paramLabel = "N",
      description = "Delete backups older than N days (default 0: no limit by age).")
  int keepDays;

  @Override
  public Integer call() {
    validate(); // before connecting
    return super.call();
  }

  void validate() {
    if (keepCount < 0) {
      throw new ParameterException(
          spec.commandLine(),
          "Invalid value for option '--keep-count': "
              + keepCount
              + " is negative (0 means no limit)");
    }
    if (keepDays < 0) {
      throw new ParameterException(
          spec.commandLine(),
          "Invalid value for option '--keep-days': "
              + keepDays
              + " is negative (0 means no limit)");
    }
    if (fullCron.isBlank()) {
      throw new ParameterException(
          spec.commandLine(), "Invalid value for option '--full': the cron expression is empty");
    }
  }

  @Override
  int run(ControlClient client) {
    BackupSchedule.Builder schedule =
        BackupSchedule.newBuilder()
            .setInstanceId(instanceId)
            .setFullCron(fullCron)
            .setKeepCount(keepCount)
            .setKeepDays(keepDays);
    if (incrementalCron != null) {
      schedule.setIncrementalCron(incrementalCron);
    }
    BackupSchedule saved =
        client
            .backups()
            .setBackupSchedule(SetBackupScheduleRequest.newBuilder().setSchedule(schedule).build());
    if (output().json()) {
      output().json(saved);
      return ExitCodes.OK;
    }
    output().line("Set the backup schedule of " + saved.getInstanceId() + ":");
    output().fields(BackupScheduleShow.fields(saved, Instant.now(), "  "));
    return ExitCodes.OK;
  }
}
