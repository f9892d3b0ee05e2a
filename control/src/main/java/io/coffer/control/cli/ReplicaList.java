package io.coffer.control.cli;

import io.coffer.proto.v1.ListReplicasRequest;
import io.coffer.proto.v1.ListReplicasResponse;
import io.coffer.proto.v1.Replica;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code coffer replica list SOURCE}. */
@Command(
    name = "list",
    description =
        "List the replicas of a source as the control knows them, with their last reported state: STATE, "
            + "HEALTH and ROLE from the replica's last heartbeat, LAG behind the source (- when unknown), DETAIL.")
final class ReplicaList extends ClientCommand {

  @Parameters(index = "0", paramLabel = "SOURCE", description = "The source instance.")
  String sourceId;

  @Override
  int run(ControlClient client) {
    ListReplicasResponse response =
        client
            .replication()
            .listReplicas(ListReplicasRequest.newBuilder().setSourceInstanceId(sourceId).build());
    if (output().json()) {
      output().json(response);
      return ExitCodes.OK;
    }
    output()
        .table(
            List.of("INSTANCE", "STATE", "HEALTH", "ROLE", "LAG", "DETAIL"),
            response.getReplicasList().stream().map(ReplicaList::row).toList());
    return ExitCodes.OK;
  }

  static List<String> row(Replica replica) {
    return List.of(
        replica.getInstanceId(),
        Output.label(replica.getState(), "INSTANCE_STATE_"),
        Output.label(replica.getHealth(), "HEALTH_"),
        Output.label(replica.getRole(), "ROLE_"),
        lag(replica.getLagSeconds()),
        replica.getDetail());
  }

  /**
   * Seconds behind the source for humans: {@code 0s}, {@code 250ms}, {@code 42s}, {@code 3m05s};
   * "-" when unknown.
   */
  static String lag(double seconds) {
    if (!(seconds >= 0) || Double.isInfinite(seconds)) { // negative (unknown) or NaN
      return "-";
    }
    if (seconds == 0) {
      return "0s";
    }
    return Output.duration(Duration.ofMillis(Math.round(seconds * 1000)));
  }
}
