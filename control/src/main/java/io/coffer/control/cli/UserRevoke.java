package io.coffer.control.cli;

import io.coffer.proto.v1.CommandReply;
import io.coffer.proto.v1.RevokeAccessRequest;
import picocli.CommandLine.Command;

/** {@code coffer user revoke INSTANCE NAME --database DB...}. */
@Command(name = "revoke", description = "Revoke a user's access to databases.")
final class UserRevoke extends AccessCommand {

  @Override
  CommandReply send(ControlClient client, String host) {
    return client
        .users()
        .revokeAccess(
            RevokeAccessRequest.newBuilder()
                .setInstanceId(instanceId)
                .setOptions(options(client))
                .setName(name)
                .setHost(host)
                .addAllDatabases(databases)
                .build());
  }

  @Override
  String done() {
    return "Revoked";
  }
}
