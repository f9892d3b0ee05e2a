package io.coffer.control.cli;

import io.coffer.proto.v1.ShrinkClusterRequest;
import io.coffer.proto.v1.Workflow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code coffer cluster shrink MEMBER --instance LEAVING}. */
@Command(
    name = "shrink",
    description = {
      "Move every slot, with its keys, off a node of the cluster of MEMBER, then remove the node "
          + "(Redis: rebalance with weight 0, then del-node). The removed instance keeps running, empty and alone.",
      "Galera: the node leaves gracefully (clean shutdown) and runs on alone with the data it had; refused when "
          + "fewer than 3 nodes would remain."
    })
final class ClusterShrink extends WorkflowStartingCommand {

  @Parameters(index = "0", paramLabel = "MEMBER", description = "Any instance of the cluster.")
  String member;

  @Option(
      names = "--instance",
      paramLabel = "INSTANCE",
      required = true,
      description = "The node to remove.")
  String instance;

  @Override
  Workflow start(ControlClient client) {
    return client
        .clusters()
        .shrinkCluster(
            ShrinkClusterRequest.newBuilder()
                .setMemberInstanceId(member)
                .setInstanceId(instance)
                .setOptions(options(client))
                .build());
  }
}
