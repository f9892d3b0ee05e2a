package io.coffer.control.cli;

import io.coffer.proto.v1.GrowClusterRequest;
import io.coffer.proto.v1.Workflow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code coffer cluster grow MEMBER --instance NEW}. */
@Command(
    name = "grow",
    description = {
      "Add an empty cluster-mode instance to the cluster of MEMBER as a primary and move slots, with their keys, "
          + "to it until the primaries hold about as many each (Redis: add-node, then rebalance).",
      "Keys stay readable throughout: a client that follows MOVED/ASK redirections (any cluster client) never misses one.",
      "Galera: the instance (which must hold no databases) joins and receives the data by SST from a Synced member."
    })
final class ClusterGrow extends WorkflowStartingCommand {

  @Parameters(index = "0", paramLabel = "MEMBER", description = "Any instance of the cluster.")
  String member;

  @Option(
      names = "--instance",
      paramLabel = "INSTANCE",
      required = true,
      description = "The new node.")
  String instance;

  @Override
  Workflow start(ControlClient client) {
    return client
        .clusters()
        .growCluster(
            GrowClusterRequest.newBuilder()
                .setMemberInstanceId(member)
                .setInstanceId(instance)
                .setOptions(options(client))
                .build());
  }
}
