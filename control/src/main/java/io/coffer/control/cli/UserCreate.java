package io.coffer.control.cli;

import io.coffer.proto.v1.CommandReply;
import io.coffer.proto.v1.CreateUserRequest;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code coffer user create INSTANCE NAME}. */
@Command(
    name = "create",
    description = {
      "Create a user on an instance, optionally with access to databases.",
      "The password comes from --password-file, --password-stdin or --password; without any of them "
          + "it is prompted for when running in a terminal."
    })
final class UserCreate extends MutatingCommand {

  @Parameters(index = "0", paramLabel = "INSTANCE", description = "Instance id.")
  String instanceId;

  @Parameters(
      index = "1",
      paramLabel = "NAME",
      description = "User name (rules depend on the datastore).")
  String name;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      description = "Host pattern the user may connect from (MySQL/MariaDB; default %%).")
  String host;

  @Option(
      names = {"-d", "--database"},
      paramLabel = "DB",
      split = ",",
      description = "Grant access to database DB (repeatable, or comma-separated).")
  List<String> databases = new ArrayList<>();

  @Option(
      names = "--access-rules",
      paramLabel = "RULES",
      description =
          "Engine permission rules (Redis ACL rules, e.g. \"~app:* +@read\"; default: the engine's, see the README).")
  String accessRules;

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  PasswordOptions password;

  @Override
  int run(ControlClient client) {
    String secret = PasswordOptions.read(password, cli().stdin(), "Password for " + name);
    CreateUserRequest.Builder request =
        CreateUserRequest.newBuilder()
            .setInstanceId(instanceId)
            .setOptions(options(client))
            .setName(name)
            .setPassword(secret)
            .addAllDatabases(databases);
    if (host != null) {
      request.setHost(host);
    }
    if (accessRules != null) {
      request.setAccessRules(accessRules);
    }
    CommandReply reply = client.users().createUser(request.build());
    Replies.print(
        output(),
        reply,
        commandId(),
        "Created user '"
            + name
            + "'"
            + (host != null ? "@'" + host + "'" : "")
            + " on "
            + instanceId
            + (databases.isEmpty() ? "" : " with access to " + String.join(", ", databases)));
    return ExitCodes.OK;
  }
}
