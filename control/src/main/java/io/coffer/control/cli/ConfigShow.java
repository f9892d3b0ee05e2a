package io.coffer.control.cli;

import io.coffer.proto.v1.ConfigurationResponse;
import io.coffer.proto.v1.GetConfigurationRequest;
import io.coffer.proto.v1.ParameterValue;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code coffer config show INSTANCE [NAME...]}. */
@Command(
    name = "show",
    description = "Show the values an instance's server runs with, and which await a restart.")
final class ConfigShow extends ClientCommand {

  @Parameters(index = "0", paramLabel = "INSTANCE", description = "Instance id.")
  String instanceId;

  @Parameters(
      index = "1..*",
      paramLabel = "NAME",
      description = "Parameters to show (default: every settable one).")
  List<String> names = new ArrayList<>();

  @Override
  int run(ControlClient client) {
    ConfigurationResponse response =
        client
            .configuration()
            .getConfiguration(
                GetConfigurationRequest.newBuilder()
                    .setInstanceId(instanceId)
                    .setOptions(client.options(null))
                    .addAllNames(names)
                    .build());
    if (output().json()) {
      output().json(response);
      return ExitCodes.OK;
    }
    print(output(), response.getParametersList());
    return ExitCodes.OK;
  }

  static void print(Output output, List<ParameterValue> values) {
    output.table(
        List.of("NAME", "VALUE", "SOURCE", "PENDING"),
        values.stream()
            .map(
                v ->
                    List.of(
                        v.getName(),
                        v.getValue(),
                        v.getSource(),
                        v.getPendingRestart() ? "restart" : ""))
            .toList());
  }
}
