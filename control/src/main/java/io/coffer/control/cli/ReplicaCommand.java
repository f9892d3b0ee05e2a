package io.coffer.control.cli;

import picocli.CommandLine.Command;

/** {@code coffer replica}: replicas of instances. */
@Command(
    name = "replica",
    description = {
      "Create replicas of an instance, list them, rejoin a former primary, repair a broken replica. Switch over to a replica with 'coffer promote', fail over "
          + "from a lost source with 'coffer eject'.",
      "Each change runs as a workflow in the control: its steps run one after the other on the agents involved, "
          + "each journaled, so a control that restarts resumes it. Follow one with 'coffer workflow show ID'."
    },
    subcommands = {
      ReplicaCreate.class,
      ReplicaList.class,
      ReplicaRejoin.class,
      ReplicaRepair.class
    })
final class ReplicaCommand extends CliCommand {}
