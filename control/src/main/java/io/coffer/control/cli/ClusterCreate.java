package io.coffer.control.cli;

import io.coffer.proto.v1.CreateClusterRequest;
import io.coffer.proto.v1.Workflow;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code coffer cluster create --datastore redis|mysql --instances a,b,c [--replicas N]}. */
@Command(
    name = "create",
    description = {
      "Form a cluster. Redis: a sharded cluster of empty instances running in cluster mode "
          + "(datastore.settings.cluster: true). MySQL/MariaDB: a Galera cluster (galera-4); the first instance "
          + "keeps its data, the others must hold no databases.",
      "Steps: 1. make the cluster account exist on every node with a fresh password; 2. form the cluster on the "
          + "first node (Redis: redis-cli --cluster create, slots spread evenly over the primaries; Galera: bootstrap); "
          + "3. join the others one at a time (Galera: each receives the data by SST with mariabackup).",
      "Shows the step running and ends with a summary; exit code 1 when a step fails (e.g. fewer than 3 primaries).",
      "Errors: NOT_FOUND (an instance), INVALID_ARGUMENT (an instance twice, another engine than --datastore), "
          + "UNIMPLEMENTED (a datastore without clusters)."
    })
final class ClusterCreate extends WorkflowStartingCommand {

  @Option(
      names = "--datastore",
      paramLabel = "ENGINE",
      required = true,
      description = "The engine: redis or mysql.")
  String datastore;

  @Option(
      names = "--instances",
      paramLabel = "ID",
      split = ",",
      required = true,
      description = "The instances, comma-separated (at least 3; Redis: 3 primaries).")
  List<String> instances = new ArrayList<>();

  @Option(
      names = "--replicas",
      paramLabel = "N",
      defaultValue = "0",
      description = "Replicas per primary, taken from the instances (default ${DEFAULT-VALUE}).")
  int replicas;

  @Override
  public Integer call() {
    if (new HashSet<>(instances).size() != instances.size()) {
      throw new ParameterException(
          spec.commandLine(), "Invalid value for option '--instances': an instance appears twice");
    }
    if (replicas < 0) {
      throw new ParameterException(
          spec.commandLine(), "Invalid value for option '--replicas': must be 0 or more");
    }
    return super.call();
  }

  @Override
  Workflow start(ControlClient client) {
    return client
        .clusters()
        .createCluster(
            CreateClusterRequest.newBuilder()
                .setDatastore(datastore)
                .addAllInstanceIds(instances)
                .setReplicasPerPrimary(replicas)
                .setOptions(options(client))
                .build());
  }
}
