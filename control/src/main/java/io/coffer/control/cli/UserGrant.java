package io.coffer.control.cli;

import io.coffer.proto.v1.CommandReply;
import io.coffer.proto.v1.GrantAccessRequest;
import picocli.CommandLine.Command;

/** {@code coffer user grant INSTANCE NAME --database DB...}. */
@Command(name = "grant", description = "Grant a user access to databases.")
final class UserGrant extends AccessCommand {

  @Override
  CommandReply send(ControlClient client, String host) {
    return client
        .users()
        .grantAccess(
            GrantAccessRequest.newBuilder()
                .setInstanceId(instanceId)
                .setOptions(options(client))
                .setName(name)
                .setHost(host)
                .addAllDatabases(databases)
                .build());
  }

  @Override
  String done() {
    return "Granted";
  }
}
