package io.coffer.control.cli;

import io.coffer.proto.v1.ListDatabasesRequest;
import io.coffer.proto.v1.ListDatabasesResponse;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code coffer database list INSTANCE}. */
@Command(name = "list", description = "List the databases of an instance.")
final class DatabaseList extends ClientCommand {

  @Parameters(index = "0", paramLabel = "INSTANCE", description = "Instance id.")
  String instanceId;

  @Override
  int run(ControlClient client) {
    ListDatabasesResponse response =
        client
            .databases()
            .listDatabases(
                ListDatabasesRequest.newBuilder()
                    .setInstanceId(instanceId)
                    .setOptions(client.options(null))
                    .build());
    if (output().json()) {
      output().json(response);
      return ExitCodes.OK;
    }
    output()
        .table(
            List.of("NAME", "CHARACTER-SET", "COLLATION"),
            response.getDatabasesList().stream()
                .map(d -> List.of(d.getName(), d.getCharacterSet(), d.getCollation()))
                .toList());
    return ExitCodes.OK;
  }
}
