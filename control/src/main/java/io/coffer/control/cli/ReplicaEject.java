package io.coffer.control.cli;

import io.coffer.proto.v1.EjectRequest;
import io.coffer.proto.v1.Workflow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code coffer eject SOURCE}: failover. */
@Command(name = "eject",
    description = {
        "Failover: a source is gone. Promote its most advanced replica (by applied position) and attach the other "
            + "replicas to it, and wait until it is done. The control forgets the old source: when it comes back, "
            + "make it a replica of the new primary with 'coffer replica rejoin'.",
        "The old source is not fenced: use this only when it is really gone (transactions it committed that no "
            + "replica received are lost). While it is reachable, use 'coffer promote' (switchover).",
        "Steps: 1. find the most advanced replica (replicas that do not answer are left out); 2. promote it; "
            + "3. prepare the new primary's replication account; 4. attach the other replicas to it; 5. record the "
            + "topology.",
        "Prints the workflow id (the --command-id), shows the step running on stderr, and ends with a summary: "
            + "state, duration, details such as new_primary. Exit code 1 when a step fails (e.g. no replica "
            + "answered), with the workflow's error naming the step; the steps done before it stay done.",
        "Errors: NOT_FOUND (unknown instance), FAILED_PRECONDITION (SOURCE has no replicas), UNIMPLEMENTED (a step "
            + "on a datastore without replication: the workflow fails).",
        "Interrupting the wait (Ctrl-C) does not stop the workflow: follow it with 'coffer workflow show ID'. "
            + "Retrying with the same --command-id returns the same workflow and waits for it again."})
final class ReplicaEject extends WorkflowStartingCommand {

  @Parameters(index = "0", paramLabel = "SOURCE", description = "The lost source whose replica takes over.")
  String sourceId;

  @Override
  Workflow start(ControlClient client) {
    return client.replication().eject(EjectRequest.newBuilder()
        .setSourceInstanceId(sourceId).setOptions(options(client)).build());
  }
}
