package io.coffer.control.cli;

import io.grpc.StatusRuntimeException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;

/** A command that calls the control's northbound API. */
abstract class ClientCommand extends CliCommand implements Callable<Integer> {

  @Option(
      names = "--client",
      paramLabel = "NAME",
      description =
          "Client identity to authenticate with: HOME/clients/NAME.pem and NAME.key (default admin).")
  String client;

  /** {@code --client} after the subcommand, else before it, else {@code admin}. */
  String clientName() {
    return client != null ? client : cli().clientName();
  }

  /** Does the work; gRPC failures are turned into one-line errors by the caller. */
  abstract int run(ControlClient client);

  /** The idempotency key of a mutating command, or null. */
  String commandIdOrNull() {
    return null;
  }

  @Override
  public Integer call() {
    try (ControlClient connection = ControlClient.connect(cli(), clientName())) {
      try {
        return run(connection);
      } catch (StatusRuntimeException e) {
        throw connection.failure(e, commandIdOrNull());
      }
    }
  }
}
