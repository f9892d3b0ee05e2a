package io.coffer.control.cli;

import io.coffer.proto.v1.RejoinReplicaRequest;
import io.coffer.proto.v1.Workflow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code coffer replica rejoin INSTANCE --source SOURCE}. */
@Command(
    name = "rejoin",
    description = {
      "Make a former primary that came back (e.g. after 'coffer eject') a replica of SOURCE again, keeping its "
          + "data: PostgreSQL rewinds it to SOURCE's history with pg_rewind (what it wrote after the failover, "
          + "which SOURCE never got, is discarded), then it streams from SOURCE with its own slot.",
      "Steps: 1. prepare SOURCE's replication account; 2. rewind INSTANCE where needed and attach it; 3. record "
          + "the topology. MariaDB has no rewind: a former primary is attached by GTID (MASTER_DEMOTE_TO_SLAVE), "
          + "which works when it has no transaction SOURCE lacks (e.g. with --semi-sync); otherwise its "
          + "replication stops with an error ('coffer replica list'), and it must be rebuilt ('coffer replica "
          + "create' once it is empty).",
      "Errors: NOT_FOUND (unknown instance), INVALID_ARGUMENT (the same instance twice, different engines), "
          + "FAILED_PRECONDITION (INSTANCE replicates from another source). Prints the workflow id and waits, "
          + "like 'coffer promote'."
    })
final class ReplicaRejoin extends WorkflowStartingCommand {

  @Parameters(
      index = "0",
      paramLabel = "INSTANCE",
      description = "The instance that is to follow SOURCE.")
  String instanceId;

  @Option(
      names = "--source",
      paramLabel = "SOURCE",
      required = true,
      description = "The primary to follow.")
  String sourceId;

  @Override
  Workflow start(ControlClient client) {
    return client
        .replication()
        .rejoinReplica(
            RejoinReplicaRequest.newBuilder()
                .setInstanceId(instanceId)
                .setSourceInstanceId(sourceId)
                .setOptions(options(client))
                .build());
  }
}
