package io.coffer.control.cli;

import io.coffer.control.backup.CronExpression;
import io.coffer.proto.v1.BackupSchedule;
import io.coffer.proto.v1.GetBackupScheduleRequest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code coffer backup schedule show INSTANCE}. */
@Command(
    name = "show",
    description =
        "Show an instance's backup schedule, with the next run times (UTC). NOT_FOUND (exit code 3) "
            + "when it has none.")
final class BackupScheduleShow extends ClientCommand {

  @Parameters(index = "0", paramLabel = "INSTANCE", description = "Instance id.")
  String instanceId;

  @Override
  int run(ControlClient client) {
    BackupSchedule schedule =
        client
            .backups()
            .getBackupSchedule(
                GetBackupScheduleRequest.newBuilder().setInstanceId(instanceId).build());
    if (output().json()) {
      output().json(schedule);
      return ExitCodes.OK;
    }
    output().fields(fields(schedule, Instant.now(), ""));
    return ExitCodes.OK;
  }

  /** The schedule's fields, labels prefixed with {@code indent}. */
  static List<String[]> fields(BackupSchedule schedule, Instant now, String indent) {
    return List.of(
        new String[] {indent + "Instance", schedule.getInstanceId()},
        new String[] {indent + "Full", cron(schedule.getFullCron(), now)},
        new String[] {indent + "Incremental", cron(schedule.getIncrementalCron(), now)},
        new String[] {
          indent + "Keep count",
          schedule.getKeepCount() == 0
              ? "no limit"
              : schedule.getKeepCount() + " full backups with their incrementals"
        },
        new String[] {
          indent + "Keep days",
          schedule.getKeepDays() == 0
              ? "no limit"
              : schedule.getKeepDays() + (schedule.getKeepDays() == 1 ? " day" : " days")
        });
  }

  /** {@code 0 3 * * * (UTC; next 2024-05-02T03:00:00Z)}, or "-" when empty. */
  static String cron(String expression, Instant now) {
    if (expression.isEmpty()) {
      return "-";
    }
    String next;
    try {
      next =
          CronExpression.parse(expression)
              .nextAfter(now)
              .map(i -> "; next " + i.truncatedTo(ChronoUnit.SECONDS))
              .orElse("");
    } catch (IllegalArgumentException e) {
      next = ""; // the control's parser decides; an older or newer CLI may not know its syntax
    }
    return expression + " (UTC" + next + ")";
  }
}
