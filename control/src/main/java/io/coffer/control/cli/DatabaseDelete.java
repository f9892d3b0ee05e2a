package io.coffer.control.cli;

import io.coffer.proto.v1.CommandReply;
import io.coffer.proto.v1.DeleteDatabaseRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code coffer database delete INSTANCE NAME}. */
@Command(name = "delete", description = "Delete a database from an instance, with all its data.")
final class DatabaseDelete extends MutatingCommand {

  @Parameters(index = "0", paramLabel = "INSTANCE", description = "Instance id.")
  String instanceId;

  @Parameters(index = "1", paramLabel = "NAME", description = "Database name.")
  String name;

  @Override
  int run(ControlClient client) {
    CommandReply reply =
        client
            .databases()
            .deleteDatabase(
                DeleteDatabaseRequest.newBuilder()
                    .setInstanceId(instanceId)
                    .setOptions(options(client))
                    .setName(name)
                    .build());
    Replies.print(
        output(), reply, commandId(), "Deleted database '" + name + "' from " + instanceId);
    return ExitCodes.OK;
  }
}
