package io.coffer.control.cli;

import io.coffer.proto.v1.CommandReply;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What {@code user grant} and {@code user revoke} share: who, on which instance, which databases.
 */
abstract class AccessCommand extends MutatingCommand {

  @Parameters(index = "0", paramLabel = "INSTANCE", description = "Instance id.")
  String instanceId;

  @Parameters(index = "1", paramLabel = "NAME", description = "User name.")
  String name;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      description = "Host pattern of the user (MySQL/MariaDB; default %%).")
  String host;

  @Option(
      names = {"-d", "--database"},
      paramLabel = "DB",
      split = ",",
      required = true,
      description = "Database (repeatable, or comma-separated).")
  List<String> databases;

  /** Sends the request; {@code host} is empty when not given. */
  abstract CommandReply send(ControlClient client, String host);

  /** "Granted" or "Revoked". */
  abstract String done();

  @Override
  final int run(ControlClient client) {
    CommandReply reply = send(client, host == null ? "" : host);
    Replies.print(
        output(),
        reply,
        commandId(),
        done() + " '" + name + "' access to " + String.join(", ", databases) + " on " + instanceId);
    return ExitCodes.OK;
  }
}
