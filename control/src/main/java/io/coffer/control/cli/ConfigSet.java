package io.coffer.control.cli;

import io.coffer.proto.v1.UpdateConfigurationRequest;
import io.coffer.proto.v1.UpdateConfigurationResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;

/** {@code coffer config set INSTANCE NAME=VALUE... [--reset NAME]...}. */
@Command(name = "set", description = {
    "Change server parameters, all or nothing: a bad value changes nothing.",
    "Changes persist across restarts and apply live where the engine can;",
    "those that need a restart are shown as pending ('coffer instance restart')."})
final class ConfigSet extends MutatingCommand {

  @Parameters(index = "0", paramLabel = "INSTANCE", description = "Instance id.")
  String instanceId;

  @Parameters(index = "1..*", paramLabel = "NAME=VALUE", description = "New values, e.g. work_mem=64MB.")
  List<String> assignments = new ArrayList<>();

  @Option(names = "--reset", paramLabel = "NAME", description = "Return a parameter to its default (repeatable).")
  List<String> reset = new ArrayList<>();

  @Override
  int run(ControlClient client) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String assignment : assignments) {
      int eq = assignment.indexOf('=');
      if (eq <= 0) {
        throw new ParameterException(spec.commandLine(), "Invalid parameter '" + assignment + "': expected NAME=VALUE");
      }
      values.put(assignment.substring(0, eq).trim(), assignment.substring(eq + 1));
    }
    if (values.isEmpty() && reset.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "Name at least one NAME=VALUE or --reset NAME");
    }
    UpdateConfigurationResponse response = client.configuration().updateConfiguration(UpdateConfigurationRequest.newBuilder()
        .setInstanceId(instanceId).setOptions(options(client)).putAllValues(values).addAllReset(reset).build());
    if (output().json()) {
      output().json(response);
      return ExitCodes.OK;
    }
    output().line("Changed " + response.getParametersCount() + " parameter(s) on " + instanceId + " (command-id "
        + response.getCommandId() + ")");
    ConfigShow.print(output(), response.getParametersList());
    if (response.getParametersList().stream().anyMatch(v -> v.getPendingRestart())) {
      output().line("Some values take effect after 'coffer instance restart " + instanceId + "'.");
    }
    return ExitCodes.OK;
  }
}
