package io.coffer.control.cli;

import io.coffer.proto.v1.CreateReplicaRequest;
import io.coffer.proto.v1.Workflow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code coffer replica create SOURCE --instance INSTANCE}. */
@Command(
    name = "create",
    description = {
      "Make an instance a replica of SOURCE, and wait until it replicates. The replica must be an empty instance "
          + "of the same engine; both datastores must support replication.",
      "Steps: 1. prepare the source's replication account (a dedicated account, not a superuser); 2. take a full "
          + "backup of the source (listed by 'coffer backup list', origin workflow); 3. restore it on the replica; "
          + "4. attach the replica to the source from the backup's replication positions; 5. record the topology.",
      "Prints the workflow id (the --command-id), shows the step running on stderr, and ends with a summary: "
          + "state, duration, details such as backup_id. Exit code 1 when a step fails, with the workflow's "
          + "error naming the step; the steps done before it stay done.",
      "Errors: NOT_FOUND (an instance is not known to the control), INVALID_ARGUMENT (the same instance twice; "
          + "the engines differ), UNIMPLEMENTED (a datastore without replication), FAILED_PRECONDITION (INSTANCE "
          + "already replicates).",
      "Interrupting the wait (Ctrl-C) does not stop the workflow: follow it with 'coffer workflow show ID'. "
          + "Retrying with the same --command-id returns the same workflow and waits for it again."
    })
final class ReplicaCreate extends WorkflowStartingCommand {

  @Parameters(
      index = "0",
      paramLabel = "SOURCE",
      description = "The instance to replicate (the source).")
  String sourceId;

  @Option(
      names = "--instance",
      paramLabel = "INSTANCE",
      required = true,
      description = "The new replica: an empty instance of the same engine as SOURCE.")
  String instanceId;

  @Option(
      names = "--semi-sync",
      description =
          "Semi-synchronous replication: the source waits until the replica has received each "
              + "transaction before it commits (default: asynchronous).")
  boolean semiSync;

  @Override
  public Integer call() {
    validate(); // before connecting
    return super.call();
  }

  void validate() {
    if (sourceId.equals(instanceId)) {
      throw new ParameterException(
          spec.commandLine(),
          "Invalid value for option '--instance': the replica must be another instance than its source "
              + sourceId);
    }
  }

  @Override
  Workflow start(ControlClient client) {
    return client
        .replication()
        .createReplica(
            CreateReplicaRequest.newBuilder()
                .setSourceInstanceId(sourceId)
                .setInstanceId(instanceId)
                .setOptions(options(client))
                .setSemiSync(semiSync)
                .build());
  }
}
