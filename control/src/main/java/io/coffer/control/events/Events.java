package io.coffer.control.events;

import io.coffer.proto.v1.Event;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Publishes events (journal first, then a wake-up for watchers) and serves watches: a watch reads
 * the journal after the last sequence it emitted each time something was journaled, so it sees
 * every event once and in order, however publishers interleave, and resumes from any sequence.
 */
public final class Events implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Events.class);
  private static final int PAGE = 256;

  /** Watchers also look once a second, should a wake-up be missed. */
  private static final Duration SAFETY_POLL = Duration.ofSeconds(1);

  private final EventJournal journal;
  private final Clock clock;
  private final Scheduler blocking = Schedulers.boundedElastic();

  /**
   * Appends run one at a time in the order they were published (one source's events stay in order).
   */
  private final Scheduler appends = Schedulers.newSingle("coffer-event-appends", true);

  private final Sinks.Many<Long> journaled = Sinks.many().replay().latest();

  public Events(EventJournal journal, Clock clock) {
    this.journal = journal;
    this.clock = clock;
  }

  public EventJournal journal() {
    return journal;
  }

  /** The sequence of each event as it is journaled (the latest one first, to a new subscriber). */
  public Flux<Long> journaledSequences() {
    return journaled.asFlux();
  }

  /**
   * Journals an event on a blocking-friendly thread and wakes the watchers; never blocks the caller
   * and never fails it (an event that cannot be journaled is logged).
   */
  public void publish(
      EventKind kind, String instanceId, String message, Map<String, String> details) {
    append(kind, instanceId, message, details)
        .subscribe(
            e -> {},
            e ->
                log.error(
                    "cannot journal the event {} of {}: {}",
                    kind.wireName(),
                    instanceId,
                    e.getMessage()));
  }

  /** {@link #publish}, for callers that need the journaled event (or to wait for it). */
  public Mono<Event> append(
      EventKind kind, String instanceId, String message, Map<String, String> details) {
    return Mono.fromCallable(
            () ->
                journal.append(
                    kind, instanceId == null ? "" : instanceId, message, details, clock.instant()))
        .subscribeOn(appends)
        .doOnNext(
            e -> {
              log.info(
                  "event {} {}{}: {}",
                  e.getSequence(),
                  e.getKind(),
                  e.getInstanceId().isEmpty() ? "" : " of " + e.getInstanceId(),
                  e.getMessage());
              journaled.tryEmitNext(e.getSequence());
            });
  }

  /**
   * Every event after {@code since} that {@code filter} keeps, then new ones as they are journaled.
   */
  public Flux<Event> watch(long since, Predicate<Event> filter) {
    return Flux.defer(
        () -> {
          AtomicLong last = new AtomicLong(since);
          return Flux.merge(journaled.asFlux(), Flux.interval(Duration.ZERO, SAFETY_POLL))
              .onBackpressureLatest()
              .concatMap(tick -> pages(last), 1)
              .filter(filter);
        });
  }

  /** What was journaled after {@code last}, page by page, moving {@code last} along. */
  private Flux<Event> pages(AtomicLong last) {
    return Mono.fromCallable(() -> journal.after(last.get(), PAGE))
        .subscribeOn(blocking)
        .expand(
            page ->
                page.size() < PAGE
                    ? Mono.empty()
                    : Mono.fromCallable(
                            () -> journal.after(page.get(page.size() - 1).getSequence(), PAGE))
                        .subscribeOn(blocking))
        .concatMapIterable(
            page -> {
              if (!page.isEmpty()) {
                last.set(page.get(page.size() - 1).getSequence());
              }
              return page;
            });
  }

  /** Forgets events older than {@code retention}. */
  public Mono<Integer> prune(Duration retention) {
    return Mono.fromCallable(() -> journal.prune(clock.instant().minus(retention)))
        .subscribeOn(blocking);
  }

  /** Kinds by wire name, for filters; empty names mean every kind. */
  public static Predicate<Event> filter(List<String> instanceIds, List<String> kinds) {
    return e ->
        (instanceIds.isEmpty() || instanceIds.contains(e.getInstanceId()))
            && (kinds.isEmpty() || kinds.contains(e.getKind()));
  }

  @Override
  public void close() {
    journaled.tryEmitComplete();
    appends.dispose();
  }
}
