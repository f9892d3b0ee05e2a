package io.coffer.control.cli;

import io.coffer.proto.v1.CancelCommandRequest;
import io.coffer.proto.v1.CommandStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code coffer command cancel COMMAND_ID}. */
@Command(
    name = "cancel",
    description = {
      "Ask the agent to stop a command that has not finished; follow it with 'coffer command show'.",
      "A command not started yet ends cancelled without running. A running backup stops and keeps nothing. A restore"
          + " stops while it stages its backups, before it changes the instance; once it installs, it completes."
          + " Other running commands complete.",
      "Errors: NOT_FOUND (unknown command), FAILED_PRECONDITION (already finished), UNAVAILABLE (the agent is not"
          + " connected: retry)."
    })
final class CommandCancel extends ClientCommand {

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
            .cancelCommand(CancelCommandRequest.newBuilder().setCommandId(commandId).build());
    if (output().json()) {
      output().json(status);
    } else {
      output()
          .line(
              "Asked the agent of "
                  + status.getInstanceId()
                  + " to cancel "
                  + status.getOperation()
                  + " command "
                  + commandId
                  + "; see 'coffer command show "
                  + commandId
                  + "'");
    }
    return ExitCodes.OK;
  }
}
