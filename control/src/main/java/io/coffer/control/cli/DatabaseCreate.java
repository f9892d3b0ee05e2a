package io.coffer.control.cli;

import io.coffer.proto.v1.CommandReply;
import io.coffer.proto.v1.CreateDatabaseRequest;
import io.coffer.proto.v1.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code coffer database create INSTANCE NAME}. */
@Command(name = "create", description = "Create a database (schema) on an instance.")
final class DatabaseCreate extends MutatingCommand {

  @Parameters(index = "0", paramLabel = "INSTANCE", description = "Instance id.")
  String instanceId;

  @Parameters(
      index = "1",
      paramLabel = "NAME",
      description = "Database name (rules depend on the datastore).")
  String name;

  @Option(
      names = "--character-set",
      paramLabel = "CHARSET",
      description = "Character set, e.g. utf8mb4 (default: the server's).")
  String characterSet;

  @Option(
      names = "--collation",
      paramLabel = "COLLATION",
      description = "Collation, e.g. utf8mb4_unicode_ci (default: the character set's).")
  String collation;

  @Override
  int run(ControlClient client) {
    Database.Builder database = Database.newBuilder().setName(name);
    if (characterSet != null) {
      database.setCharacterSet(characterSet);
    }
    if (collation != null) {
      database.setCollation(collation);
    }
    CommandReply reply =
        client
            .databases()
            .createDatabase(
                CreateDatabaseRequest.newBuilder()
                    .setInstanceId(instanceId)
                    .setOptions(options(client))
                    .setDatabase(database)
                    .build());
    Replies.print(output(), reply, commandId(), "Created database '" + name + "' on " + instanceId);
    return ExitCodes.OK;
  }
}
