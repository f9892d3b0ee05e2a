package io.coffer.control.cli;

import io.coffer.proto.v1.DeleteWebhookRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code coffer webhook delete ID}. */
@Command(name = "delete", description = "Stop pushing events to a webhook and forget it.")
final class WebhookDelete extends ClientCommand {

  @Parameters(index = "0", paramLabel = "ID", description = "The webhook's id (wh-...).")
  String webhookId;

  @Override
  int run(ControlClient client) {
    client
        .webhooks()
        .deleteWebhook(DeleteWebhookRequest.newBuilder().setWebhookId(webhookId).build());
    output().line("Deleted webhook " + webhookId);
    return ExitCodes.OK;
  }
}
