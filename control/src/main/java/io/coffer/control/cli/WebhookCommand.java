package io.coffer.control.cli;

import picocli.CommandLine.Command;

/** {@code coffer webhook}: HTTP endpoints the control pushes events to. */
@Command(
    name = "webhook",
    description = {
      "Push events to HTTP(S) endpoints: JSON bodies, at least once, in order, retried with backoff until answered 2xx.",
      "Each request carries Coffer-Event-Id (deduplicate by it), Coffer-Event-Kind and Coffer-Signature: "
          + "t=<unix seconds>,v1=<hex HMAC-SHA256 of '<t>.<body>' keyed by the secret>."
    },
    subcommands = {WebhookAdd.class, WebhookList.class, WebhookDelete.class})
final class WebhookCommand extends CliCommand {}
