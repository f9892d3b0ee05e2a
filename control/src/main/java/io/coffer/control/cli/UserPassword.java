package io.coffer.control.cli;

import io.coffer.proto.v1.ChangePasswordRequest;
import io.coffer.proto.v1.CommandReply;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code coffer user password INSTANCE NAME}. */
@Command(
    name = "password",
    description = {
      "Change a user's password.",
      "The password comes from --password-file, --password-stdin or --password; without any of them "
          + "it is prompted for when running in a terminal."
    })
final class UserPassword extends MutatingCommand {

  @Parameters(index = "0", paramLabel = "INSTANCE", description = "Instance id.")
  String instanceId;

  @Parameters(index = "1", paramLabel = "NAME", description = "User name.")
  String name;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      description = "Host pattern of the user (MySQL/MariaDB; default %%).")
  String host;

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  PasswordOptions password;

  @Override
  int run(ControlClient client) {
    String secret = PasswordOptions.read(password, cli().stdin(), "New password for " + name);
    ChangePasswordRequest.Builder request =
        ChangePasswordRequest.newBuilder()
            .setInstanceId(instanceId)
            .setOptions(options(client))
            .setName(name)
            .setPassword(secret);
    if (host != null) {
      request.setHost(host);
    }
    CommandReply reply = client.users().changePassword(request.build());
    Replies.print(
        output(), reply, commandId(), "Changed the password of '" + name + "' on " + instanceId);
    return ExitCodes.OK;
  }
}
