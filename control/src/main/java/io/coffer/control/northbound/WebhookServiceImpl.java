package io.coffer.control.northbound;

import com.google.protobuf.Timestamp;
import io.coffer.control.events.EventJournal;
import io.coffer.control.events.WebhookStore;
import io.coffer.control.events.WebhookStore.Hook;
import io.coffer.control.status.ApiErrors;
import io.coffer.proto.v1.AddWebhookRequest;
import io.coffer.proto.v1.DeleteWebhookRequest;
import io.coffer.proto.v1.DeleteWebhookResponse;
import io.coffer.proto.v1.ListWebhooksRequest;
import io.coffer.proto.v1.ListWebhooksResponse;
import io.coffer.proto.v1.Webhook;
import io.coffer.proto.v1.WebhookServiceGrpc;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Adds, lists and deletes webhooks; the dispatcher picks up changes on its next round. */
final class WebhookServiceImpl extends WebhookServiceGrpc.WebhookServiceImplBase {
  private static final int MIN_SECRET = 16;
  private static final int MAX_SECRET = 256;
  private final WebhookStore store;
  private final EventJournal journal;
  private final Clock clock;

  WebhookServiceImpl(WebhookStore store, EventJournal journal, Clock clock) {
    this.store = store;
    this.journal = journal;
    this.clock = clock;
  }

  @Override
  public void addWebhook(AddWebhookRequest r, StreamObserver<Webhook> out) {
    MonoReplies.reply(
        () -> {
          url(r.getUrl());
          if (r.getSecret().length() < MIN_SECRET || r.getSecret().length() > MAX_SECRET) {
            throw ApiErrors.invalidArgument(
                "secret", "must be " + MIN_SECRET + "-" + MAX_SECRET + " characters");
          }
          EventServiceImpl.checkKinds("kinds", r.getKindsList());
          return blocking(
              () ->
                  proto(
                      store.add(
                          r.getUrl(),
                          r.getSecret(),
                          r.getKindsList(),
                          journal.latest(),
                          clock.instant())));
        },
        out);
  }

  @Override
  public void listWebhooks(ListWebhooksRequest r, StreamObserver<ListWebhooksResponse> out) {
    MonoReplies.reply(
        () ->
            blocking(
                () ->
                    ListWebhooksResponse.newBuilder()
                        .addAllWebhooks(store.list().stream().map(this::proto).toList())
                        .build()),
        out);
  }

  @Override
  public void deleteWebhook(DeleteWebhookRequest r, StreamObserver<DeleteWebhookResponse> out) {
    MonoReplies.reply(
        () -> {
          String id = Requests.required("webhook_id", r.getWebhookId());
          return blocking(
              () -> {
                if (!store.delete(id)) {
                  throw ApiErrors.notFound("no webhook '" + id + "'");
                }
                return DeleteWebhookResponse.getDefaultInstance();
              });
        },
        out);
  }

  /**
   * http or https, with a host, at most 2,000 characters; INVALID_ARGUMENT naming url otherwise.
   */
  static URI url(String text) {
    if (text.isEmpty() || text.length() > 2000) {
      throw ApiErrors.invalidArgument("url", "is required, at most 2000 characters");
    }
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw ApiErrors.invalidArgument("url", "must be an http or https URL, not '" + text + "'");
      }
      if (uri.getHost() == null || uri.getHost().isEmpty()) {
        throw ApiErrors.invalidArgument("url", "names no host: '" + text + "'");
      }
      if (uri.getUserInfo() != null) {
        throw ApiErrors.invalidArgument(
            "url", "must not carry credentials; the signature authenticates the control");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw ApiErrors.invalidArgument("url", "is not a URL: " + e.getReason());
    }
  }

  private Webhook proto(Hook h) {
    Webhook.Builder b =
        Webhook.newBuilder()
            .setWebhookId(h.id())
            .setUrl(h.url())
            .addAllKinds(h.kinds())
            .setCreated(ts(h.created().toEpochMilli()))
            .setDeliveredSequence(h.delivered())
            .setPending(journal.count(h.delivered(), h.kinds()))
            .setFailures(h.failures())
            .setLastError(h.lastError());
    if (h.lastAttempt() > 0) {
      b.setLastAttempt(ts(h.lastAttempt()));
    }
    if (h.nextAttempt() > 0) {
      b.setNextAttempt(ts(h.nextAttempt()));
    }
    return b.build();
  }

  private static Timestamp ts(long millis) {
    Instant i = Instant.ofEpochMilli(millis);
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }

  private static <T> Mono<T> blocking(Callable<T> work) {
    return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic());
  }
}
