package io.coffer.control.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coffer.control.events.WebhookStore.Hook;
import io.coffer.proto.v1.Event;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Delivers events to webhooks: for each webhook, one event at a time in sequence order, the next
 * only once the endpoint answered 2xx (at least once; the event id deduplicates). A failure (an
 * error, a non-2xx status, no answer within 10 s) is retried with exponential backoff and full
 * jitter, from {@code initialBackoff} doubling up to 5 minutes, and is visible in the listing. One
 * slow endpoint never holds up another: requests are asynchronous, one in flight per webhook.
 */
public final class WebhookDispatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
  private static final Duration TICK = Duration.ofMillis(200);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final WebhookStore store;
  private final EventJournal journal;
  private final Clock clock;
  private final Duration initialBackoff;
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(REQUEST_TIMEOUT)
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private Disposable loop;

  public WebhookDispatcher(
      WebhookStore store, EventJournal journal, Clock clock, Duration initialBackoff) {
    this.store = store;
    this.journal = journal;
    this.clock = clock;
    this.initialBackoff = initialBackoff;
  }

  /** Looks for work every 200 ms and whenever {@code wakeups} ticks (an event was journaled). */
  public void start(Flux<?> wakeups) {
    loop =
        Flux.merge(Flux.interval(TICK), wakeups)
            .onBackpressureLatest()
            .concatMap(
                t ->
                    Mono.fromRunnable(this::round)
                        .subscribeOn(Schedulers.boundedElastic())
                        .onErrorResume(
                            e -> {
                              log.error("webhook delivery round failed: {}", e.getMessage());
                              return Mono.empty();
                            }),
                1)
            .subscribe();
  }

  private void round() {
    long now = clock.millis();
    for (Hook hook : store.list()) {
      if (hook.nextAttempt() <= now && inFlight.add(hook.id())) {
        try {
          next(hook);
        } catch (RuntimeException e) {
          inFlight.remove(hook.id());
          throw e;
        }
      }
    }
  }

  /** Sends the hook's next event, skipping those of other kinds; releases the hook when done. */
  private void next(Hook hook) {
    for (Event e : journal.after(hook.delivered(), 64)) {
      if (!hook.kinds().isEmpty() && !hook.kinds().contains(e.getKind())) {
        store.delivered(hook.id(), e.getSequence(), clock.instant());
        continue;
      }
      send(hook, e);
      return;
    }
    inFlight.remove(hook.id());
  }

  private void send(Hook hook, Event e) {
    String body = body(e);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(hook.url()))
            .timeout(REQUEST_TIMEOUT)
            .header("Content-Type", "application/json")
            .header("User-Agent", "coffer-control")
            .header("Coffer-Event-Id", e.getEventId())
            .header("Coffer-Event-Kind", e.getKind())
            .header(
                WebhookSignature.HEADER,
                WebhookSignature.header(store.secret(hook), clock.instant().getEpochSecond(), body))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .whenComplete(
            (response, error) -> {
              try {
                Instant at = clock.instant();
                if (error == null && response.statusCode() / 100 == 2) {
                  store.delivered(hook.id(), e.getSequence(), at);
                  return;
                }
                String why =
                    error != null
                        ? error.getClass().getSimpleName() + ": " + error.getMessage()
                        : "HTTP " + response.statusCode();
                Duration wait = backoff(hook.failures() + 1);
                store.failed(hook.id(), why, at, at.plus(wait));
                log.warn(
                    "webhook {} did not take event {} ({}); attempt {} failed, next in {} ms",
                    hook.id(),
                    e.getSequence(),
                    why,
                    hook.failures() + 1,
                    wait.toMillis());
              } catch (RuntimeException failure) {
                log.error(
                    "cannot record the delivery of event {} to webhook {}: {}",
                    e.getSequence(),
                    hook.id(),
                    failure.getMessage());
              } finally {
                inFlight.remove(hook.id());
              }
            });
  }

  /** Full jitter: uniformly between half and all of initial * 2^(attempt - 1), capped at 5 min. */
  Duration backoff(int attempt) {
    long cap =
        Math.min(MAX_BACKOFF.toMillis(), initialBackoff.toMillis() << Math.min(attempt - 1, 20));
    return Duration.ofMillis(cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1));
  }

  /** The event as JSON with snake_case names, the time in ISO-8601. */
  static String body(Event e) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("event_id", e.getEventId());
    json.put("sequence", e.getSequence());
    json.put("kind", e.getKind());
    json.put("instance_id", e.getInstanceId());
    json.put("at", Instant.ofEpochSecond(e.getAt().getSeconds(), e.getAt().getNanos()).toString());
    json.put("message", e.getMessage());
    json.put("details", new TreeMap<>(e.getDetailsMap()));
    try {
      return JSON.writeValueAsString(json);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
  }

  @Override
  public void close() {
    if (loop != null) {
      loop.dispose();
    }
  }
}
