package io.coffer.control.cli;

import io.coffer.proto.v1.ListUsersRequest;
import io.coffer.proto.v1.ListUsersResponse;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code coffer user list INSTANCE}. */
@Command(
    name = "list",
    description = "List the users of an instance and the databases they can access.")
final class UserList extends ClientCommand {

  @Parameters(index = "0", paramLabel = "INSTANCE", description = "Instance id.")
  String instanceId;

  @Override
  int run(ControlClient client) {
    ListUsersResponse response =
        client
            .users()
            .listUsers(
                ListUsersRequest.newBuilder()
                    .setInstanceId(instanceId)
                    .setOptions(client.options(null))
                    .build());
    if (output().json()) {
      output().json(response);
      return ExitCodes.OK;
    }
    output()
        .table(
            List.of("NAME", "HOST", "DATABASES"),
            response.getUsersList().stream()
                .map(u -> List.of(u.getName(), u.getHost(), String.join(",", u.getDatabasesList())))
                .toList());
    return ExitCodes.OK;
  }
}
