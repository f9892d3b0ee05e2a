package io.coffer.control.cli;

import picocli.CommandLine.Command;

/**
 * {@code coffer backup schedule}: when the control takes an instance's backups, and how long it
 * keeps them.
 */
@Command(
    name = "schedule",
    description = {
      "Set, show and delete an instance's backup schedule: when the control takes its full and incremental "
          + "backups (cron expressions, in UTC), and how many or how long it keeps them.",
      "One schedule per instance; scheduled backups are listed with the others."
    },
    subcommands = {BackupScheduleSet.class, BackupScheduleShow.class, BackupScheduleDelete.class})
final class BackupScheduleCommand extends CliCommand {}
