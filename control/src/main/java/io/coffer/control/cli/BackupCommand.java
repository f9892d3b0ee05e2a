package io.coffer.control.cli;

import picocli.CommandLine.Command;

/** {@code coffer backup}: backups of instances, and their schedules. */
@Command(
    name = "backup",
    description = {
      "Take, list, show and delete the backups of instances, and schedule them.",
      "The instance's agent stores each backup in its backup storage, compressed (zstd) and encrypted "
          + "(AES-256-GCM with a fresh data key, wrapped by the control's master key); the control keeps the "
          + "catalog, the keys, the schedules and the retention. Restore a backup with 'coffer restore'."
    },
    subcommands = {
      BackupCreate.class,
      BackupList.class,
      BackupShow.class,
      BackupDelete.class,
      BackupScheduleCommand.class
    })
final class BackupCommand extends CliCommand {}
