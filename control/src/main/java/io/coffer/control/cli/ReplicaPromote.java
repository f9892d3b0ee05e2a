package io.coffer.control.cli;

import io.coffer.proto.v1.PromoteRequest;
import io.coffer.proto.v1.Workflow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code coffer promote REPLICA}: switchover. */
@Command(
    name = "promote",
    description = {
      "Switchover: make a replica the primary with no committed transaction lost, and wait until it is done. "
          + "Its source must be connected to the control; if the source is gone, use 'coffer eject' instead.",
      "Steps: 1. fence the source (read-only); 2. wait until the replica has applied everything the source "
          + "committed (up to 60s); 3. promote the replica; 4. prepare the new primary's replication account; "
          + "5. attach the old source and the other replicas to it; 6. record the topology.",
      "Prints the workflow id (the --command-id), shows the step running on stderr, and ends with a summary: "
          + "state, duration, details. Exit code 1 when a step fails, with the workflow's error naming the step; "
          + "the steps done before it stay done (a fenced source stays read-only).",
      "Errors: NOT_FOUND (unknown instance), FAILED_PRECONDITION (REPLICA is not a replica the control knows of, "
          + "or its source is not connected), UNIMPLEMENTED (a step on a datastore without replication: the "
          + "workflow fails).",
      "Interrupting the wait (Ctrl-C) does not stop the workflow: follow it with 'coffer workflow show ID'. "
          + "Retrying with the same --command-id returns the same workflow and waits for it again."
    })
final class ReplicaPromote extends WorkflowStartingCommand {

  @Parameters(index = "0", paramLabel = "REPLICA", description = "The replica to make the primary.")
  String replicaId;

  @Override
  Workflow start(ControlClient client) {
    return client
        .replication()
        .promote(
            PromoteRequest.newBuilder()
                .setInstanceId(replicaId)
                .setOptions(options(client))
                .build());
  }
}
