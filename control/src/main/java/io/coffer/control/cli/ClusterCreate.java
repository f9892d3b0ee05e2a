package io.coffer.control.cli;

import io.coffer.proto.v1.CreateClusterRequest;
import io.coffer.proto.v1.Workflow;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code coffer cluster create --datastore redis --instances a,b,c [--replicas N]}. */
@Command(name = "create", description = {
    "Form a sharded cluster of empty instances running in cluster mode (Redis: datastore.settings.cluster: true).",
    "Steps: 1. make the cluster account exist on every node with a fresh password; 2. form the cluster "
        + "(Redis: redis-cli --cluster create, slots spread evenly over the primaries).",
    "Shows the step running and ends with a summary; exit code 1 when a step fails (e.g. fewer than 3 primaries).",
    "Errors: NOT_FOUND (an instance), INVALID_ARGUMENT (an instance twice, another engine than --datastore), "
        + "UNIMPLEMENTED (a datastore without clusters)."})
final class ClusterCreate extends WorkflowStartingCommand {

  @Option(names = "--datastore", paramLabel = "ENGINE", required = true, description = "The engine, e.g. redis.")
  String datastore;

  @Option(names = "--instances", paramLabel = "ID", split = ",", required = true,
      description = "The instances, comma-separated (Redis: at least 3 primaries).")
  List<String> instances = new ArrayList<>();

  @Option(names = "--replicas", paramLabel = "N", defaultValue = "0",
      description = "Replicas per primary, taken from the instances (default ${DEFAULT-VALUE}).")
  int replicas;

  @Override
  public Integer call() {
    if (new HashSet<>(instances).size() != instances.size()) {
      throw new ParameterException(spec.commandLine(), "Invalid value for option '--instances': an instance appears twice");
    }
    if (replicas < 0) {
      throw new ParameterException(spec.commandLine(), "Invalid value for option '--replicas': must be 0 or more");
    }
    return super.call();
  }

  @Override
  Workflow start(ControlClient client) {
    return client.clusters().createCluster(CreateClusterRequest.newBuilder().setDatastore(datastore)
        .addAllInstanceIds(instances).setReplicasPerPrimary(replicas).setOptions(options(client)).build());
  }
}
