package io.coffer.control.cli;

import io.coffer.proto.v1.CommandReply;
import io.coffer.proto.v1.RevokeAccessRequest;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code coffer user revoke INSTANCE NAME --database DB...}. */
@Command(name = "revoke", description = "Revoke a user's access to databases.")
final class UserRevoke extends MutatingCommand {

  @Parameters(index = "0", paramLabel = "INSTANCE", description = "Instance id.")
  String instanceId;

  @Parameters(index = "1", paramLabel = "NAME", description = "User name.")
  String name;

  @Option(names = "--host", paramLabel = "HOST", description = "Host pattern of the user (MySQL/MariaDB; default %%).")
  String host;

  @Option(names = {"-d", "--database"}, paramLabel = "DB", split = ",", required = true,
      description = "Database to revoke access to (repeatable, or comma-separated).")
  List<String> databases;

  @Override
  int run(ControlClient client) {
    RevokeAccessRequest.Builder request = RevokeAccessRequest.newBuilder()
        .setInstanceId(instanceId).setOptions(options(client)).setName(name).addAllDatabases(databases);
    if (host != null) {
      request.setHost(host);
    }
    CommandReply reply = client.users().revokeAccess(request.build());
    Replies.print(output(), reply, commandId(), "Revoked '" + name + "' access to " + String.join(", ", databases)
        + " on " + instanceId);
    return ExitCodes.OK;
  }
}
