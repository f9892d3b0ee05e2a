package io.coffer.control.cli;

import io.coffer.proto.v1.CommandReply;
import io.coffer.proto.v1.DeleteUserRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code coffer user delete INSTANCE NAME}. */
@Command(name = "delete", description = "Delete a user from an instance.")
final class UserDelete extends MutatingCommand {

  @Parameters(index = "0", paramLabel = "INSTANCE", description = "Instance id.")
  String instanceId;

  @Parameters(index = "1", paramLabel = "NAME", description = "User name.")
  String name;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      description = "Host pattern of the user (MySQL/MariaDB; default %%).")
  String host;

  @Override
  int run(ControlClient client) {
    DeleteUserRequest.Builder request =
        DeleteUserRequest.newBuilder()
            .setInstanceId(instanceId)
            .setOptions(options(client))
            .setName(name);
    if (host != null) {
      request.setHost(host);
    }
    CommandReply reply = client.users().deleteUser(request.build());
    Replies.print(
        output(),
        reply,
        commandId(),
        "Deleted user '"
            + name
            + "'"
            + (host != null ? "@'" + host + "'" : "")
            + " from "
            + instanceId);
    return ExitCodes.OK;
  }
}
