package io.coffer.control.cli;

import io.coffer.proto.v1.InstanceStatus;
import io.coffer.proto.v1.ListInstancesRequest;
import io.coffer.proto.v1.ListInstancesResponse;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code coffer instance list}. */
@Command(
    name = "list",
    description = "List the instances known to the control, with their last heartbeat.")
final class InstanceList extends ClientCommand {

  @Override
  int run(ControlClient client) {
    ListInstancesResponse response =
        client.instances().listInstances(ListInstancesRequest.getDefaultInstance());
    if (output().json()) {
      output().json(response);
      return ExitCodes.OK;
    }
    Instant now = Instant.now();
    output()
        .table(
            List.of(
                "INSTANCE",
                "STATE",
                "HEALTH",
                "ROLE",
                "DATASTORE",
                "VERSION",
                "LAST-HEARTBEAT",
                "CERT-EXPIRES"),
            response.getInstancesList().stream().map(i -> row(i, now)).toList());
    return ExitCodes.OK;
  }

  static List<String> row(InstanceStatus instance, Instant now) {
    return List.of(
        instance.getInstanceId(),
        Output.label(instance.getState(), "INSTANCE_STATE_"),
        Output.label(instance.getHealth(), "HEALTH_"),
        Output.label(instance.getRole(), "ROLE_"),
        instance.getDatastore().getEngine(),
        instance.getDatastore().getVersion(),
        Output.age(instance.getLastHeartbeat(), now),
        Output.time(instance.getCertificateNotAfter())
            + (Output.isSet(instance.getCertificateNotAfter())
                    && Output.instant(instance.getCertificateNotAfter()).isBefore(now)
                ? " (expired: needs a new enrollment token)"
                : ""));
  }
}
