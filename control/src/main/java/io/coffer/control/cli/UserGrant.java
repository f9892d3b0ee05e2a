package io.coffer.control.cli;

import io.coffer.proto.v1.CommandReply;
import io.coffer.proto.v1.GrantAccessRequest;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code coffer user grant INSTANCE NAME --database DB...}. */
@Command(name = "grant", description = "Grant a user access to databases.")
final class UserGrant extends MutatingCommand {

  @Parameters(index = "0", paramLabel = "INSTANCE", description = "Instance id.")
  String instanceId;

  @Parameters(index = "1", paramLabel = "NAME", description = "User name.")
  String name;

  @Option(names = "--host", paramLabel = "HOST", description = "Host pattern of the user (MySQL/MariaDB; default %%).")
  String host;

  @Option(names = {"-d", "--database"}, paramLabel = "DB", split = ",", required = true,
      description = "Database to grant access to (repeatable, or comma-separated).")
  List<String> databases;

  @Override
  int run(ControlClient client) {
    GrantAccessRequest.Builder request = GrantAccessRequest.newBuilder()
        .setInstanceId(instanceId).setOptions(options(client)).setName(name).addAllDatabases(databases);
    if (host != null) {
      request.setHost(host);
    }
    CommandReply reply = client.users().grantAccess(request.build());
    Replies.print(output(), reply, commandId(), "Granted '" + name + "' access to " + String.join(", ", databases)
        + " on " + instanceId);
    return ExitCodes.OK;
  }
}
