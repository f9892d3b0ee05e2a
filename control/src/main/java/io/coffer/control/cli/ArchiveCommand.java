package io.coffer.control.cli;

import picocli.CommandLine.Command;

/** {@code coffer archive}: the continuous log archives of instances. */
@Command(
    name = "archive",
    description = {
      "The continuous log archive of an instance (PostgreSQL: its WAL; MariaDB: its binary logs), which "
          + "point-in-time restores ('coffer restore --target-time') replay on top of a backup.",
      "Each agent archives every completed log file to its backup storage, compressed and encrypted with the "
          + "control's archive key. A log file is completed at least every 5 min by default (PostgreSQL's "
          + "archive_timeout; for MariaDB the agent runs FLUSH BINARY LOGS)."
    },
    subcommands = {ArchiveFlush.class})
final class ArchiveCommand extends CliCommand {}
