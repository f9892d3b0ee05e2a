package io.coffer.control.cli;

import picocli.CommandLine.Command;

/** {@code coffer ha}: automatic failover of a replication group. */
@Command(
    name = "ha",
    description = {
      "Automatic failover of the replication group a primary leads: the control fails the primary over when it is "
          + "silent, or its datastore down, for the detection window, unless most replicas still receive from it; "
          + "the primary's agent fences it when its lease runs out, before anything is promoted."
    },
    subcommands = {HaShow.class, HaSet.class})
final class HaCommand extends CliCommand {}
