package io.coffer.control.cli;

import io.coffer.proto.v1.UpdateConfigurationRequest;
import io.coffer.proto.v1.UpdateConfigurationResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code coffer config set INSTANCE NAME=VALUE... [--reset NAME]...}. */
@Command(
    name = "set",
    description = {
      "Change server parameters, all or nothing: a bad value changes nothing.",
      "Changes persist across restarts and apply live where the engine can;",
      "those that need a restart are shown as pending ('coffer instance restart')."
    })
final class ConfigSet extends MutatingCommand {

  @Parameters(index = "0", paramLabel = "INSTANCE", description = "Instance id.")
  String instanceId;

  @Parameters(
      index = "1..*",
      paramLabel = "NAME=VALUE",
      description = "New values, e.g. work_mem=64MB.")
  List<String> assignments = new ArrayList<>();

  @Option(
      names = "--reset",
      paramLabel = "NAME",
      description = "Return a parameter to its default (repeatable).")
  List<String> reset = new ArrayList<>();

  @Override
  int run(ControlClient client) {
    Map<String, String> values = new LinkedHashMap<>();
    // engines read parameter names without regard to case: work_mem and WORK_MEM are one parameter
    Map<String, String> named = new HashMap<>();
    for (String assignment : assignments) {
      int eq = assignment.indexOf('=');
      if (eq <= 0) {
        throw new ParameterException(
            spec.commandLine(), "Invalid parameter '" + assignment + "': expected NAME=VALUE");
      }
      String name = assignment.substring(0, eq).trim();
      once(named, name, assignment);
      values.put(name, assignment.substring(eq + 1));
    }
    for (String name : reset) {
      once(named, name, "--reset " + name);
    }
    if (values.isEmpty() && reset.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(), "Name at least one NAME=VALUE or --reset NAME");
    }
    UpdateConfigurationResponse response =
        client
            .configuration()
            .updateConfiguration(
                UpdateConfigurationRequest.newBuilder()
                    .setInstanceId(instanceId)
                    .setOptions(options(client))
                    .putAllValues(values)
                    .addAllReset(reset)
                    .build());
    if (output().json()) {
      output().json(response);
      return ExitCodes.OK;
    }
    output()
        .line(
            "Changed "
                + response.getParametersCount()
                + " parameter(s) on "
                + instanceId
                + " (command-id "
                + response.getCommandId()
                + ")");
    ConfigShow.print(output(), response.getParametersList());
    if (response.getParametersList().stream().anyMatch(v -> v.getPendingRestart())) {
      output().line("Some values take effect after 'coffer instance restart " + instanceId + "'.");
    }
    return ExitCodes.OK;
  }

  /** Refuses a parameter named twice (set twice, reset twice, or both): which value was meant? */
  private void once(Map<String, String> named, String name, String how) {
    String earlier = named.putIfAbsent(name.toLowerCase(Locale.ROOT), how);
    if (earlier != null) {
      throw new ParameterException(
          spec.commandLine(),
          "Parameter '"
              + name
              + "' is named twice ('"
              + earlier
              + "' and '"
              + how
              + "'); name each parameter once");
    }
  }
}
