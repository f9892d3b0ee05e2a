package io.coffer.control.cli;

import io.coffer.proto.v1.EjectRequest;
import io.coffer.proto.v1.Workflow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code coffer eject SOURCE [--force]}: failover by hand. */
@Command(
    name = "eject",
    description = {
      "Failover by hand: a source is gone. Promote its most advanced replica (by applied position) in a new term, "
          + "attach the other replicas to it, and wait until it is done. The old source is deposed: its agent "
          + "keeps it fenced (read-only) when it comes back, and the control rejoins it as a replica of the new "
          + "primary by itself.",
      "Refused while the source still answers (connected, its datastore healthy): use 'coffer promote' "
          + "(switchover, nothing lost), or --force, which fences the source first.",
      "Steps: 1. wait out the source's lease (its agent fences it when the lease runs out); 2. fence the source "
          + "if it answers; 3. find the most advanced replica (replicas that do not answer are left out); 4. start "
          + "a new term; 5. promote it; 6. prepare its replication account; 7. attach the other replicas to it; "
          + "8. record the topology (the source deposed); 9. make the new primary wait for a synchronous replica "
          + "where there was one.",
      "Prints the workflow id (the --command-id), shows the step running on stderr, and ends with a summary: "
          + "state, duration, details such as new_primary and term. Exit code 1 when a step fails (e.g. no replica "
          + "answered), with the workflow's error naming the step; the steps done before it stay done.",
      "Errors: NOT_FOUND (unknown instance), FAILED_PRECONDITION (SOURCE has no replicas, or still answers without "
          + "--force), UNIMPLEMENTED (a step on a datastore without replication: the workflow fails).",
      "Interrupting the wait (Ctrl-C) does not stop the workflow: follow it with 'coffer workflow show ID'. "
          + "Retrying with the same --command-id returns the same workflow and waits for it again."
    })
final class ReplicaEject extends WorkflowStartingCommand {

  @Parameters(
      index = "0",
      paramLabel = "SOURCE",
      description = "The lost source whose replica takes over.")
  String sourceId;

  @Option(
      names = "--force",
      description = "Fail over although SOURCE still answers; it is fenced first.")
  boolean force;

  @Override
  Workflow start(ControlClient client) {
    return client
        .replication()
        .eject(
            EjectRequest.newBuilder()
                .setSourceInstanceId(sourceId)
                .setForce(force)
                .setOptions(options(client))
                .build());
  }
}
