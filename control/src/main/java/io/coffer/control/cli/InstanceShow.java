package io.coffer.control.cli;

import io.coffer.proto.v1.GetInstanceRequest;
import io.coffer.proto.v1.InstanceStatus;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code coffer instance show ID}. */
@Command(
    name = "show",
    description = "Show one instance: state, health, role, datastore, capabilities.")
final class InstanceShow extends ClientCommand {

  @Parameters(index = "0", paramLabel = "INSTANCE", description = "Instance id.")
  String instanceId;

  @Override
  int run(ControlClient client) {
    InstanceStatus instance =
        client
            .instances()
            .getInstance(GetInstanceRequest.newBuilder().setInstanceId(instanceId).build());
    if (output().json()) {
      output().json(instance);
      return ExitCodes.OK;
    }
    String heartbeat =
        Output.isSet(instance.getLastHeartbeat())
            ? Output.time(instance.getLastHeartbeat())
                + " ("
                + Output.age(instance.getLastHeartbeat(), Instant.now())
                + ")"
            : "-";
    output()
        .fields(
            List.of(
                new String[] {"Instance", instance.getInstanceId()},
                new String[] {"State", Output.label(instance.getState(), "INSTANCE_STATE_")},
                new String[] {"Health", Output.label(instance.getHealth(), "HEALTH_")},
                new String[] {"Role", Output.label(instance.getRole(), "ROLE_")},
                new String[] {"Datastore", Output.orDash(instance.getDatastore().getEngine())},
                new String[] {"Version", Output.orDash(instance.getDatastore().getVersion())},
                new String[] {"Agent version", Output.orDash(instance.getAgentVersion())},
                new String[] {"Plugin API", Output.orDash(instance.getPluginApiVersion())},
                new String[] {
                  "Plugins",
                  instance.getPluginsCount() == 0
                      ? "-"
                      : instance.getPluginsList().stream()
                          .map(p -> p.getId() + " " + p.getVersion())
                          .collect(Collectors.joining(", "))
                },
                new String[] {"Last heartbeat", heartbeat},
                new String[] {"Detail", Output.orDash(instance.getDetail())},
                new String[] {
                  "Certificate",
                  instance.getCertificateSerial().isEmpty()
                      ? "-"
                      : "serial "
                          + instance.getCertificateSerial()
                          + ", expires "
                          + Output.time(instance.getCertificateNotAfter())
                },
                new String[] {
                  "Capabilities",
                  instance.getCapabilitiesCount() == 0
                      ? "-"
                      : String.join(", ", instance.getCapabilitiesList())
                }));
    return ExitCodes.OK;
  }
}
