package io.coffer.control.cli;

import io.coffer.proto.v1.CommandOptions;
import java.util.UUID;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * A command that changes something on an instance. It carries an idempotency key, {@code
 * --command-id} (default: a random UUID), and prints it, so that a script can retry after a timeout
 * without applying the change twice.
 */
abstract class MutatingCommand extends ClientCommand {

  private static final Pattern COMMAND_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  @Option(
      names = "--command-id",
      paramLabel = "ID",
      description =
          "Idempotency key: retrying with the same id never applies the change twice (default: a random UUID).")
  String commandId;

  @Override
  String commandIdOrNull() {
    return commandId();
  }

  String commandId() {
    if (commandId == null) {
      commandId = UUID.randomUUID().toString();
    } else if (!COMMAND_ID.matcher(commandId).matches()) {
      throw new ParameterException(
          spec.commandLine(),
          "Invalid value for option '--command-id': '"
              + commandId
              + "' is not 1-128 characters of A-Z a-z 0-9 . _ : -");
    }
    return commandId;
  }

  CommandOptions options(ControlClient client) {
    return client.options(commandId());
  }

  @Override
  public Integer call() {
    commandId(); // validate before connecting
    return super.call();
  }
}
