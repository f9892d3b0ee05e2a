package io.coffer.control.cli;

import io.coffer.proto.v1.AddWebhookRequest;
import io.coffer.proto.v1.Webhook;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code coffer webhook add URL --secret-stdin [--events KIND,...]}. */
@Command(
    name = "add",
    description = {
      "Push every event journaled from now on (or those of --events) to URL.",
      "The secret (16-256 characters, from standard input) keys the HMAC signature; the control keeps it sealed and "
          + "never shows it again."
    })
final class WebhookAdd extends ClientCommand {

  @Parameters(index = "0", paramLabel = "URL", description = "http:// or https:// endpoint.")
  String url;

  @Option(
      names = "--secret-stdin",
      required = true,
      description =
          "Read the signing secret from standard input (one trailing newline is removed).")
  boolean secretStdin;

  @Option(
      names = "--events",
      paramLabel = "KIND",
      split = ",",
      description =
          "Only these event kinds (comma-separated; default: all). See 'coffer events watch --help'.")
  List<String> kinds = new ArrayList<>();

  @Override
  int run(ControlClient client) {
    PasswordOptions source = new PasswordOptions();
    source.stdin = true;
    String secret = PasswordOptions.read(source, cli().stdin(), "Secret");
    Webhook hook =
        client
            .webhooks()
            .addWebhook(
                AddWebhookRequest.newBuilder()
                    .setUrl(url)
                    .setSecret(secret)
                    .addAllKinds(kinds)
                    .build());
    if (output().json()) {
      output().json(hook);
    } else {
      output()
          .line(
              "Added webhook "
                  + hook.getWebhookId()
                  + " -> "
                  + hook.getUrl()
                  + (hook.getKindsCount() == 0
                      ? " (every event)"
                      : " (" + String.join(", ", hook.getKindsList()) + ")"));
    }
    return ExitCodes.OK;
  }
}
