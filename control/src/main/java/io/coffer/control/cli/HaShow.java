package io.coffer.control.cli;

import io.coffer.proto.v1.GetHaSettingsRequest;
import io.coffer.proto.v1.HaSettings;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code coffer ha show PRIMARY}. */
@Command(
    name = "show",
    description = "Show the group's automatic failover settings, its term and deposed primaries.")
final class HaShow extends ClientCommand {

  @Parameters(index = "0", paramLabel = "PRIMARY", description = "The group's primary.")
  String primary;

  @Override
  int run(ControlClient client) {
    HaSettings s =
        client
            .replication()
            .getHaSettings(GetHaSettingsRequest.newBuilder().setSourceInstanceId(primary).build());
    print(output(), s);
    return ExitCodes.OK;
  }

  static void print(Output output, HaSettings s) {
    if (output.json()) {
      output.json(s);
      return;
    }
    output.fields(
        List.of(
            new String[] {"Primary", s.getPrimaryInstanceId()},
            new String[] {"Term", Long.toString(s.getTerm())},
            new String[] {"Automatic failover", s.getEnabled() ? "on" : "off"},
            new String[] {"Detection window", s.getDetectionWindowMillis() + " ms"},
            new String[] {"Maximum lag", s.getMaxLagMillis() + " ms"},
            new String[] {"Lease", s.getLeaseMillis() + " ms"},
            new String[] {
              "Deposed",
              s.getDeposedInstanceIdsCount() == 0
                  ? "-"
                  : String.join(", ", s.getDeposedInstanceIdsList())
            }));
  }
}
