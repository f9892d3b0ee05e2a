package io.coffer.control.cli;

import io.coffer.proto.v1.RecoverClusterRequest;
import io.coffer.proto.v1.Workflow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code coffer cluster recover MEMBER}. */
@Command(
    name = "recover",
    description = {
      "Start a Galera cluster again after every node stopped: each member's position is read (its server stops),"
          + " the most advanced bootstraps a new Primary component and the others rejoin it.",
      "The control does this by itself once every member's agent is connected and none has been in a Primary"
          + " component for 45 s; use this to recover at once, or after the automatic recovery failed.",
      "Refused when the members' histories differ or none knows its position: then bootstrap a node by hand."
    })
final class ClusterRecover extends WorkflowStartingCommand {

  @Parameters(index = "0", paramLabel = "MEMBER", description = "Any instance of the cluster.")
  String member;

  @Override
  Workflow start(ControlClient client) {
    return client
        .clusters()
        .recoverCluster(
            RecoverClusterRequest.newBuilder()
                .setMemberInstanceId(member)
                .setOptions(options(client))
                .build());
  }
}
