package io.coffer.control.cli;

import io.coffer.proto.v1.CommandReply;
import io.coffer.proto.v1.RestartInstanceRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code coffer instance restart INSTANCE}. */
@Command(
    name = "restart",
    description = {
      "Restart an instance's server cleanly and wait until it is ready again,",
      "so that parameters pending a restart ('coffer config show') take effect."
    })
final class InstanceRestart extends MutatingCommand {

  @Parameters(index = "0", paramLabel = "INSTANCE", description = "Instance id.")
  String instanceId;

  @Override
  int run(ControlClient client) {
    CommandReply reply =
        client
            .instanceJobs()
            .restartInstance(
                RestartInstanceRequest.newBuilder()
                    .setInstanceId(instanceId)
                    .setOptions(options(client))
                    .build());
    Replies.print(output(), reply, commandId(), "Restarted the server of " + instanceId);
    return ExitCodes.OK;
  }
}
