package io.coffer.control.cli;

import io.coffer.proto.v1.ListParameterRulesRequest;
import io.coffer.proto.v1.ListParameterRulesResponse;
import io.coffer.proto.v1.ParameterRule;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code coffer config rules INSTANCE [NAME...]}. */
@Command(
    name = "rules",
    description = {
      "List the parameters that can be set on an instance, with what each accepts",
      "(as the running server version defines it) and whether it needs a restart."
    })
final class ConfigRules extends ClientCommand {

  @Parameters(index = "0", paramLabel = "INSTANCE", description = "Instance id.")
  String instanceId;

  @Parameters(
      index = "1..*",
      paramLabel = "NAME",
      description = "Parameters to show (default: all).")
  List<String> names = new ArrayList<>();

  @Override
  int run(ControlClient client) {
    ListParameterRulesResponse response =
        client
            .configuration()
            .listParameterRules(
                ListParameterRulesRequest.newBuilder()
                    .setInstanceId(instanceId)
                    .setOptions(client.options(null))
                    .addAllNames(names)
                    .build());
    if (output().json()) {
      output().json(response);
      return ExitCodes.OK;
    }
    output()
        .table(
            List.of("NAME", "TYPE", "ACCEPTS", "UNIT", "APPLIES"),
            response.getRulesList().stream()
                .map(
                    r ->
                        List.of(
                            r.getName(),
                            Output.label(r.getType(), "PARAMETER_TYPE_"),
                            accepts(r),
                            r.getUnit(),
                            r.getRestartRequired() ? "restart" : "live"))
                .toList());
    return ExitCodes.OK;
  }

  private static String accepts(ParameterRule r) {
    if (!r.getAllowedValuesList().isEmpty()) {
      return String.join("|", r.getAllowedValuesList());
    }
    if (r.hasMin() || r.hasMax()) {
      return (r.hasMin() ? number(r.getMin()) : "") + ".." + (r.hasMax() ? number(r.getMax()) : "");
    }
    return "";
  }

  private static String number(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e18 ? Long.toString((long) d) : Double.toString(d);
  }
}
