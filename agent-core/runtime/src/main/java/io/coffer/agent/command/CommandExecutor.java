package io.coffer.agent.command;

import com.google.rpc.Code;
import io.coffer.agent.backup.BackupService;
import io.coffer.agent.backup.JobProgress;
import io.coffer.agent.ha.LeaseKeeper;
import io.coffer.agent.journal.JobJournal;
import io.coffer.proto.v1.Command;
import io.coffer.proto.v1.Operation;
import io.coffer.proto.v1.Progress;
import io.coffer.proto.v1.Result;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.DatastoreManager;
import io.coffer.spi.backup.ServerControl;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Executes commands exactly once per command id.
 *
 * <p>Mutating commands: a journaled result is returned as it is; otherwise the command waits for
 * the datastore to be ready (until its deadline), is journaled as RUNNING, runs, and its result is
 * journaled before it is returned. A command re-delivered while it runs joins the running job.
 * Mutating jobs run one at a time on a dedicated thread (the per-instance operation lock);
 * read-only commands run concurrently on {@link Schedulers#boundedElastic()} and are not journaled.
 */
public final class CommandExecutor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CommandExecutor.class);

  private final OperationDispatcher dispatcher;
  private final LeaseKeeper lease;
  private final JobJournal journal;
  private final Mono<Void> ready;
  private final Clock clock;
  private final Scheduler mutations = Schedulers.newSingle("coffer-mutations");
  private final ConcurrentMap<String, Mono<Result>> inFlight = new ConcurrentHashMap<>();
  private final Sinks.Many<Progress> progress = Sinks.many().multicast().directBestEffort();
  private static final int MAX_CANCEL_REQUESTS = 10_000;

  /**
   * Cancel requests by command id, for jobs running, queued or not yet delivered; the oldest are
   * forgotten past {@link #MAX_CANCEL_REQUESTS} (requests for jobs that had already finished).
   */
  private final Map<String, Boolean> cancelRequests =
      Collections.synchronizedMap(
          new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
              return size() > MAX_CANCEL_REQUESTS;
            }
          });

  /**
   * @param backups backup, restore and delete of backups for this instance
   * @param ready completes when the datastore accepts administrative calls
   */
  public CommandExecutor(
      DatastoreManager manager,
      BackupService backups,
      ServerControl server,
      JobJournal journal,
      Mono<Void> ready,
      Clock clock,
      LeaseKeeper lease) {
    this.lease = lease;
    this.dispatcher =
        new OperationDispatcher(
            manager,
            new BackupCommands(backups),
            server,
            clock,
            lease::roleChanged,
            lease.roleLock());
    this.journal = journal;
    this.ready = ready;
    this.clock = clock;
  }

  /** Progress of long-running jobs, as they report it; dropped when nobody listens. */
  public Flux<Progress> progress() {
    return progress.asFlux();
  }

  /**
   * Asks a mutating job to stop. A job not started yet ends CANCELLED without running; a running
   * backup or restore stops at its next read (a restore only while it stages, before it changes the
   * instance); other running jobs and finished ones are not affected.
   */
  public void cancel(String commandId) {
    cancelRequests.put(commandId, Boolean.TRUE);
  }

  /** The command's result; never completes with an error: failures are Results with a status. */
  public Mono<Result> execute(Command command) {
    String id = command.getCommandId();
    if (id.isEmpty()) {
      return Mono.just(failure(id, Code.INVALID_ARGUMENT, "command_id", "command_id is required"));
    }
    Operation.KindCase kind = command.getOperation().getKindCase();
    if (kind == Operation.KindCase.PING) {
      // the agent's own liveness: it waits for no datastore and never blocks, so it answers on the
      // channel's thread (a hand-off to another thread and back cost more than the ping itself)
      return Mono.fromSupplier(() -> run(command));
    }
    if (OperationKinds.readOnly(kind)) {
      return awaitReady(command)
          .then(Mono.fromCallable(() -> run(command)).subscribeOn(Schedulers.boundedElastic()))
          .onErrorResume(e -> Mono.just(unavailable(id, e)));
    }
    return inFlight.computeIfAbsent(
        id, k -> journaled(command).doFinally(signal -> inFlight.remove(k)).cache());
  }

  private Mono<Result> journaled(Command command) {
    String id = command.getCommandId();
    // the operation lock guards the datastore; a no-op touches none, so it runs beside other jobs
    Scheduler lane = command.getOperation().hasNoop() ? Schedulers.boundedElastic() : mutations;
    return Mono.fromCallable(() -> journal.find(id))
        .subscribeOn(Schedulers.boundedElastic())
        .flatMap(
            existing ->
                existing
                    .<Mono<Result>>map(
                        job ->
                            Mono.just(
                                job.result()
                                    .orElseGet(
                                        () ->
                                            failure(
                                                id, Code.ABORTED, "", "the job was interrupted"))))
                    .orElseGet(
                        () ->
                            !lease.accepts(command.getTerm())
                                ? Mono.fromCallable(
                                        () ->
                                            journalOutcome(
                                                command,
                                                failure(
                                                    id,
                                                    Code.FAILED_PRECONDITION,
                                                    "",
                                                    "the command was sent in term "
                                                        + command.getTerm()
                                                        + " of this instance's replication group, which"
                                                        + " has moved on to term "
                                                        + lease.term()
                                                        + " (a failover); it is not run")))
                                    .subscribeOn(lane)
                                : awaitReady(command)
                                    .then(
                                        Mono.fromCallable(() -> runJournaled(command))
                                            .subscribeOn(lane))
                                    .onErrorResume(
                                        e ->
                                            Mono.fromCallable(
                                                    () ->
                                                        journalOutcome(command, unavailable(id, e)))
                                                .subscribeOn(lane))))
        .onErrorResume(
            e -> {
              // the journal itself failed: nothing ran, the control may retry
              log.error("job journal failed for command {}", id, e);
              return Mono.just(
                  failure(
                      id,
                      Code.UNAVAILABLE,
                      "",
                      "the agent cannot write its job journal: " + e.getMessage()));
            });
  }

  private Result runJournaled(Command command) {
    String id = command.getCommandId();
    if (!journal.begin(id, OperationKinds.name(command.getOperation().getKindCase()))) {
      return journal
          .find(id)
          .flatMap(JobJournal.Job::result)
          .orElseGet(() -> failure(id, Code.ABORTED, "", "the job was interrupted"));
    }
    try {
      Result result =
          cancelRequests.containsKey(id)
              ? failure(id, Code.CANCELLED, "", "cancelled before it started; nothing was done")
              : run(command);
      journal.finish(id, result);
      return result;
    } finally {
      cancelRequests.remove(id);
    }
  }

  /**
   * Journals an outcome reached without running the job (e.g. deadline passed), so it is definite.
   */
  private Result journalOutcome(Command command, Result result) {
    if (journal.begin(
        command.getCommandId(), OperationKinds.name(command.getOperation().getKindCase()))) {
      journal.finish(command.getCommandId(), result);
      return result;
    }
    return journal.find(command.getCommandId()).flatMap(JobJournal.Job::result).orElse(result);
  }

  private Mono<Void> awaitReady(Command command) {
    Optional<Duration> left = remaining(command);
    if (left.isPresent() && left.get().isNegative()) {
      return Mono.error(
          new TimeoutException("the command's deadline passed before it could start"));
    }
    if (OperationKinds.runsWithServerDown(command.getOperation().getKindCase())) {
      return Mono.empty();
    }
    return left.map(
            d ->
                ready.timeout(
                    d,
                    Mono.error(
                        new TimeoutException(
                            "the datastore was not ready before the command's deadline"))))
        .orElse(ready);
  }

  private Optional<Duration> remaining(Command command) {
    if (!command.hasDeadline() || command.getDeadline().getSeconds() == 0) {
      return Optional.empty();
    }
    Instant deadline =
        Instant.ofEpochSecond(command.getDeadline().getSeconds(), command.getDeadline().getNanos());
    return Optional.of(Duration.between(clock.instant(), deadline));
  }

  private Result run(Command command) {
    String id = command.getCommandId();
    try {
      return Result.newBuilder()
          .setCommandId(id)
          .setStatus(Statuses.OK)
          .setPayload(
              dispatcher.run(
                  command.getOperation(),
                  new JobProgress() {
                    @Override
                    public void report(long bytes, long total) {
                      progress.tryEmitNext(
                          Progress.newBuilder()
                              .setCommandId(id)
                              .setBytes(bytes)
                              .setPercent(total > 0 ? (int) Math.min(100, bytes * 100 / total) : -1)
                              .build());
                    }

                    @Override
                    public boolean cancelled() {
                      return cancelRequests.containsKey(id);
                    }
                  }))
          .build();
    } catch (DatastoreException e) {
      if (e.code() == DatastoreException.Code.INTERNAL) {
        log.error(
            "command {} ({}) failed",
            id,
            OperationKinds.name(command.getOperation().getKindCase()),
            e);
      }
      return Result.newBuilder().setCommandId(id).setStatus(Statuses.of(e)).build();
    } catch (RuntimeException e) {
      log.error(
          "command {} ({}) failed in the plugin",
          id,
          OperationKinds.name(command.getOperation().getKindCase()),
          e);
      return failure(
          id,
          Code.INTERNAL,
          "",
          "internal error in the datastore plugin ("
              + e.getClass().getSimpleName()
              + "); see the agent log");
    }
  }

  private static Result unavailable(String id, Throwable e) {
    Code code = e instanceof TimeoutException ? Code.DEADLINE_EXCEEDED : Code.UNAVAILABLE;
    return failure(id, code, "", e.getMessage());
  }

  static Result failure(String id, Code code, String field, String message) {
    return Result.newBuilder()
        .setCommandId(id)
        .setStatus(Statuses.of(code, field, message))
        .build();
  }

  @Override
  public void close() {
    mutations.dispose();
  }
}
