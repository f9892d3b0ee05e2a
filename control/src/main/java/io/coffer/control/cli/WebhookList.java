package io.coffer.control.cli;

import io.coffer.proto.v1.ListWebhooksRequest;
import io.coffer.proto.v1.ListWebhooksResponse;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code coffer webhook list}. */
@Command(
    name = "list",
    description =
        "Webhooks and how their deliveries stand: the last event delivered, events "
            + "pending, failures in a row, the last error and the next attempt.")
final class WebhookList extends ClientCommand {

  @Override
  int run(ControlClient client) {
    ListWebhooksResponse r =
        client.webhooks().listWebhooks(ListWebhooksRequest.getDefaultInstance());
    if (output().json()) {
      output().json(r);
      return ExitCodes.OK;
    }
    output()
        .table(
            List.of(
                "ID",
                "URL",
                "EVENTS",
                "DELIVERED",
                "PENDING",
                "FAILURES",
                "NEXT-ATTEMPT",
                "LAST-ERROR"),
            r.getWebhooksList().stream()
                .map(
                    h ->
                        List.of(
                            h.getWebhookId(),
                            h.getUrl(),
                            h.getKindsCount() == 0 ? "all" : String.join(",", h.getKindsList()),
                            "#" + h.getDeliveredSequence(),
                            Long.toString(h.getPending()),
                            Integer.toString(h.getFailures()),
                            Output.isSet(h.getNextAttempt())
                                ? Output.time(h.getNextAttempt())
                                : "-",
                            Output.orDash(h.getLastError())))
                .toList());
    return ExitCodes.OK;
  }
}
