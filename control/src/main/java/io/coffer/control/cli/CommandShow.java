package io.coffer.control.cli;

import io.coffer.proto.v1.CommandState;
import io.coffer.proto.v1.CommandStatus;
import io.coffer.proto.v1.GetCommandRequest;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code coffer command show COMMAND_ID}. */
@Command(
    name = "show",
    description =
        "Show a command's state and outcome, by its command id; while a backup or "
            + "restore runs (state pending), its progress: MiB processed, and percent done when the agent knows the total.")
final class CommandShow extends ClientCommand {

  @Parameters(
      index = "0",
      paramLabel = "COMMAND_ID",
      description = "The command id a mutating command printed.")
  String commandId;

  @Override
  int run(ControlClient client) {
    CommandStatus status =
        client
            .commands()
            .getCommand(GetCommandRequest.newBuilder().setCommandId(commandId).build());
    if (output().json()) {
      output().json(status);
      return ExitCodes.OK;
    }
    List<String[]> fields =
        new ArrayList<>(
            List.of(
                new String[] {"Command", status.getCommandId()},
                new String[] {"Instance", Output.orDash(status.getInstanceId())},
                new String[] {"Operation", Output.orDash(status.getOperation())},
                new String[] {"State", Output.label(status.getState(), "COMMAND_STATE_")}));
    if (JobWatch.known(status)) {
      fields.add(
          new String[] {
            "Progress", JobWatch.describe(status.getProgressBytes(), status.getProgressPercent())
          });
    }
    fields.add(new String[] {"Created", Output.time(status.getCreated())});
    fields.add(new String[] {"Finished", Output.time(status.getFinished())});
    if (status.getState() == CommandState.COMMAND_STATE_FAILED
        || !status.getErrorCode().isEmpty()
        || !status.getErrorMessage().isEmpty()) {
      fields.add(
          new String[] {
            "Error",
            (status.getErrorCode().isEmpty() ? "" : status.getErrorCode() + ": ")
                + status.getErrorMessage()
          });
    }
    output().fields(fields);
    return ExitCodes.OK;
  }
}
