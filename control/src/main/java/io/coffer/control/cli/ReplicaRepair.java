package io.coffer.control.cli;

import io.coffer.proto.v1.RepairReplicaRequest;
import io.coffer.proto.v1.Workflow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code coffer replica repair REPLICA}. */
@Command(
    name = "repair",
    description = {
      "Re-seed REPLICA from a fresh full backup of its source, e.g. when its replication stopped on an error "
          + "('coffer replica list' shows the error; its heartbeat reports replication_running 0). REPLICA's "
          + "data is replaced by the backup's; its configuration stays. The source keeps taking writes.",
      "Steps: 1. prepare the source's replication account; 2. take a full backup of the source (listed by "
          + "'coffer backup list', origin workflow); 3. re-seed REPLICA from it; 4. attach REPLICA to the source "
          + "from the backup's replication positions; 5. with --semi-sync, make the source wait for it again; "
          + "6. record the topology.",
      "Errors: NOT_FOUND (unknown instance), FAILED_PRECONDITION (REPLICA is not a replica the control knows "
          + "of, or its source is not connected), UNIMPLEMENTED (no replication); the agent refuses to re-seed "
          + "an instance that is not a replica. Prints the workflow id and waits, like 'coffer replica create'."
    })
final class ReplicaRepair extends WorkflowStartingCommand {

  @Parameters(index = "0", paramLabel = "REPLICA", description = "The replica to re-seed.")
  String instanceId;

  @Option(
      names = "--semi-sync",
      description =
          "Attach it semi-synchronously, as 'coffer replica create --semi-sync' (default: asynchronous).")
  boolean semiSync;

  @Override
  Workflow start(ControlClient client) {
    return client
        .replication()
        .repairReplica(
            RepairReplicaRequest.newBuilder()
                .setInstanceId(instanceId)
                .setSemiSync(semiSync)
                .setOptions(options(client))
                .build());
  }
}
