package io.coffer.control.broker;

import com.google.protobuf.Timestamp;
import io.coffer.control.registry.AgentRegistry;
import io.coffer.control.registry.AgentSession;
import io.coffer.control.store.StateStore;
import io.coffer.control.store.StateStore.StoredCommand;
import io.coffer.proto.v1.Cancel;
import io.coffer.proto.v1.Command;
import io.coffer.proto.v1.ControlFrame;
import io.coffer.proto.v1.Operation;
import io.coffer.proto.v1.OperationResult;
import io.coffer.proto.v1.Progress;
import io.coffer.proto.v1.Result;
import io.coffer.proto.v1.ResultAck;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Routes commands to agents over their outbound streams and correlates results by command id.
 *
 * <ul>
 *   <li>A mutating command is journaled in the {@link StateStore} before it is sent, and re-sent
 *       each time its agent (re)connects until a Result arrives; the Result is acknowledged only
 *       after it is stored.
 *   <li>A command for a disconnected agent waits until its deadline (then UNAVAILABLE); it stays
 *       journaled and is delivered when the agent returns, whose journal makes it run once.
 *   <li>Re-using a command id returns the first outcome; re-using it for another request (another
 *       operation, instance or payload: compared by a keyed digest, {@link RequestDigests}) is
 *       refused (ALREADY_EXISTS).
 *   <li>A Result is accepted only from the agent the command was sent to.
 *   <li>What callers may have in flight per instance is capped ({@link InFlightBudget}), and frames
 *       for an agent that does not read wait in a bounded backlog ({@link AgentSession}), so a
 *       stuck agent cannot exhaust the control's memory nor slow down other agents.
 * </ul>
 */
public final class Broker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Broker.class);

  /** Commands callers may wait for on one instance. */
  static final int MAX_IN_FLIGHT = 1024;

  /** Bytes of commands callers may wait for on one instance. */
  static final long MAX_IN_FLIGHT_BYTES = 32L << 20;

  private static final Duration RESEND_PAUSE = Duration.ofMillis(50);

  private final StateStore store;
  private final AgentRegistry registry;
  private final Clock clock;
  private final RequestDigests digests;
  private volatile ToLongFunction<String> terms = instance -> 0;

  /** Store calls block until their group commit: never on gRPC threads. */
  private final Scheduler storeThread = Schedulers.boundedElastic();

  private final ConcurrentMap<String, Waiter> waiting = new ConcurrentHashMap<>();
  private final InFlightBudget budget = new InFlightBudget(MAX_IN_FLIGHT, MAX_IN_FLIGHT_BYTES);

  /** Latest progress of running commands; in memory only (the agent sends more as it goes). */
  private final ConcurrentMap<String, Progress> progress = new ConcurrentHashMap<>();

  private final List<CompletionListener> listeners = new CopyOnWriteArrayList<>();

  /**
   * Told about every journaled command once its result is durably stored, whoever waits for it (or
   * nobody: a caller that gave up, a control that restarted). Runs on a store thread; may block
   * briefly, must not throw.
   */
  @FunctionalInterface
  public interface CompletionListener {
    void completed(String instanceId, String operation, Result result);
  }

  /** A command some caller waits for. */
  private record Waiter(
      String instanceId, Command command, boolean journaled, Sinks.One<Result> result) {}

  public Broker(StateStore store, AgentRegistry registry, Clock clock, RequestDigests digests) {
    this.digests = digests;
    this.store = store;
    this.registry = registry;
    this.clock = clock;
  }

  /**
   * Every command from now on carries the term of its instance's replication group, so that an
   * agent refuses one journaled in an older term (before a failover) when it is re-sent.
   */
  public void stampTerms(ToLongFunction<String> termOfInstance) {
    this.terms = termOfInstance;
  }

  /**
   * Sends {@code operation} to {@code instanceId}'s agent and waits for its result.
   *
   * @param kind operation kind name, e.g. "create_database"
   * @param readOnly read-only operations are not journaled
   * @return the payload of a successful result; otherwise an error carrying the agent's status (a
   *     {@link io.grpc.StatusRuntimeException}), NOT_FOUND for an unknown instance,
   *     RESOURCE_EXHAUSTED when the instance has too much in flight, ALREADY_EXISTS when {@code
   *     commandId} was used before for a different request (another kind, instance or payload), or
   *     UNAVAILABLE / DEADLINE_EXCEEDED after {@code timeout}
   */
  public Mono<OperationResult> dispatch(
      String instanceId,
      String commandId,
      String kind,
      boolean readOnly,
      Operation operation,
      Duration timeout) {
    if (!registry.known(instanceId)) {
      return Mono.error(AgentRegistry.unknown(instanceId));
    }
    Instant deadline = clock.instant().plus(timeout);
    Command command =
        Command.newBuilder()
            .setCommandId(commandId)
            .setTerm(terms.applyAsLong(instanceId))
            .setDeadline(
                Timestamp.newBuilder()
                    .setSeconds(deadline.getEpochSecond())
                    .setNanos(deadline.getNano()))
            .setOperation(operation)
            .build();
    long size = command.getSerializedSize();
    Mono<Result> result =
        Mono.defer(
            () -> {
              if (!budget.tryAcquire(instanceId, size)) {
                return Mono.error(
                    Status.RESOURCE_EXHAUSTED
                        .withDescription(
                            "instance "
                                + instanceId
                                + " has "
                                + MAX_IN_FLIGHT
                                + " commands or "
                                + (MAX_IN_FLIGHT_BYTES >> 20)
                                + " MiB in flight; its agent is not keeping up, retry later")
                        .asRuntimeException());
              }
              AtomicBoolean released = new AtomicBoolean();
              Mono<Result> run;
              if (readOnly) {
                run = submit(instanceId, command, false);
              } else {
                byte[] digest = digests.of(kind, operation);
                run =
                    Mono.fromCallable(
                            () ->
                                store.insertIfAbsent(
                                    instanceId, kind, command, digest, clock.instant()))
                        .subscribeOn(storeThread)
                        .flatMap(
                            existing ->
                                existing.isPresent()
                                    ? replay(existing.get(), instanceId, kind, digest)
                                    : submit(instanceId, command, true));
              }
              return run.doFinally(
                  s -> {
                    if (released.compareAndSet(false, true)) {
                      budget.release(instanceId, size);
                    }
                  });
            });
    return result
        .flatMap(
            r ->
                r.getStatus().getCode() == 0
                    ? Mono.just(r.getPayload())
                    : Mono.error(StatusProto.toStatusRuntimeException(r.getStatus())))
        .timeout(timeout, Mono.defer(() -> Mono.error(timedOut(instanceId, timeout))));
  }

  /**
   * A command id seen before: its outcome, or join the wait for it, when the request is the same;
   * refused when it differs in anything, so a retry never reports the outcome of another request.
   */
  private Mono<Result> replay(StoredCommand stored, String instanceId, String kind, byte[] digest) {
    boolean sameRequest =
        stored.instanceId().equals(instanceId)
            && stored.operation().equals(kind)
            && stored.requestDigest().map(d -> MessageDigest.isEqual(d, digest)).orElse(true);
    if (!sameRequest) {
      return Mono.error(
          reused(stored.commandId(), stored.operation() + " on instance " + stored.instanceId()));
    }
    if (stored.result().isPresent()) {
      return Mono.just(stored.result().get());
    }
    return submit(instanceId, stored.command().orElseThrow(), true);
  }

  /**
   * The refusal of a command id that was used for another request, described by {@code firstUse}.
   */
  public static StatusRuntimeException reused(String commandId, String firstUse) {
    return Status.ALREADY_EXISTS
        .withDescription(
            "command_id '"
                + commandId
                + "' was already used for a different "
                + "request ("
                + firstUse
                + "); a retry must repeat the request exactly, or use a new command id")
        .asRuntimeException();
  }

  /**
   * Registers a waiter (or joins an existing one) and sends the command if the agent is connected.
   */
  private Mono<Result> submit(String instanceId, Command command, boolean journaled) {
    Waiter w =
        waiting.computeIfAbsent(
            command.getCommandId(), id -> new Waiter(instanceId, command, journaled, Sinks.one()));
    registry
        .session(instanceId)
        .ifPresent(
            s -> {
              if (!s.send(frame(w.command()))) {
                if (journaled) {
                  resend(
                      s, new ArrayDeque<>(List.of(w.command()))); // journaled: it will get through
                } else {
                  w.result()
                      .tryEmitError(
                          Status.RESOURCE_EXHAUSTED
                              .withDescription(
                                  "the agent of instance "
                                      + instanceId
                                      + " is not reading its commands; retry later")
                              .asRuntimeException());
                }
              }
            });
    // when the last caller gives up, stop holding the waiter; a journaled command is picked up
    // again from the store when its agent reconnects
    return w.result()
        .asMono()
        .doFinally(
            signal -> {
              if (w.result().currentSubscriberCount() == 0) {
                waiting.remove(command.getCommandId(), w);
              }
            });
  }

  private Throwable timedOut(String instanceId, Duration timeout) {
    if (registry.session(instanceId).isEmpty()) {
      return Status.UNAVAILABLE
          .withDescription(
              "the agent of instance "
                  + instanceId
                  + " is not connected (waited "
                  + timeout.toMillis()
                  + " ms); a change stays journaled and is applied once when the agent returns; "
                  + "query it by command_id")
          .asRuntimeException();
    }
    return Status.DEADLINE_EXCEEDED
        .withDescription(
            "no result from the agent of instance "
                + instanceId
                + " within "
                + timeout.toMillis()
                + " ms; query the command by command_id for its outcome")
        .asRuntimeException();
  }

  /**
   * An agent (re)connected: send it every journaled command still waiting for its result, then the
   * read-only ones.
   */
  public void onConnected(AgentSession session) {
    Mono.fromCallable(() -> store.pending(session.instanceId()))
        .subscribeOn(storeThread)
        .subscribe(
            pending -> {
              Deque<Command> queue = new ArrayDeque<>();
              pending.forEach(c -> c.command().ifPresent(queue::add));
              waiting.values().stream()
                  .filter(w -> !w.journaled() && w.instanceId().equals(session.instanceId()))
                  .forEach(w -> queue.add(w.command()));
              resend(session, queue);
            },
            e -> log.error("cannot re-send pending commands to {}", session.instanceId(), e));
  }

  /**
   * Sends as much as the session's backlog takes, and the rest as it drains, until the session
   * closes.
   */
  private void resend(AgentSession session, Deque<Command> queue) {
    while (!queue.isEmpty() && session.isOpen()) {
      if (!session.send(frame(queue.peek()))) {
        Schedulers.parallel()
            .schedule(() -> resend(session, queue), RESEND_PAUSE.toMillis(), TimeUnit.MILLISECONDS);
        return;
      }
      queue.poll();
    }
  }

  private static ControlFrame frame(Command command) {
    return ControlFrame.newBuilder().setCommand(command).build();
  }

  /**
   * A Result from {@code session}'s agent. Stored first, then acknowledged; results for commands of
   * another instance are refused and logged.
   */
  public void onResult(AgentSession session, Result result) {
    String id = result.getCommandId();
    Waiter w = waiting.get(id);
    if (w != null && !w.journaled()) {
      if (!w.instanceId().equals(session.instanceId())) {
        refuse(session, id, w.instanceId());
        return;
      }
      waiting.remove(id, w);
      w.result().tryEmitValue(result);
      return;
    }
    Mono.fromCallable(
            () -> {
              Optional<StoredCommand> stored = store.find(id);
              if (stored.isEmpty()) {
                return Boolean
                    .TRUE; // unknown or pruned: nothing to record, just stop the re-sending
              }
              if (!stored.get().instanceId().equals(session.instanceId())) {
                refuse(session, id, stored.get().instanceId());
                return Boolean.FALSE;
              }
              if (store.complete(id, result, clock.instant())) {
                progress.remove(id);
                for (CompletionListener l : listeners) {
                  try {
                    l.completed(stored.get().instanceId(), stored.get().operation(), result);
                  } catch (RuntimeException e) {
                    log.error("completion listener failed for command {}", id, e);
                  }
                }
              }
              return Boolean.TRUE;
            })
        .subscribeOn(storeThread)
        .subscribe(
            accepted -> {
              if (accepted) {
                Waiter done = waiting.remove(id);
                if (done != null) {
                  done.result().tryEmitValue(result);
                }
                session.send(
                    ControlFrame.newBuilder()
                        .setResultAck(ResultAck.newBuilder().setCommandId(id))
                        .build());
              }
            },
            e ->
                log.error(
                    "cannot record the result of command {}; the agent will re-send it", id, e));
  }

  private static void refuse(AgentSession session, String commandId, String owner) {
    log.warn(
        "SECURITY: instance {} sent a result for command {} of instance {}; ignored",
        session.instanceId(),
        commandId,
        owner);
  }

  public void addCompletionListener(CompletionListener listener) {
    listeners.add(listener);
  }

  /** A Progress frame from {@code session}'s agent; kept only for commands of that instance. */
  public void onProgress(AgentSession session, Progress p) {
    Waiter w = waiting.get(p.getCommandId());
    if (w == null || !w.instanceId().equals(session.instanceId())) {
      return; // nobody in this control waits for it (e.g. after a restart): the result still counts
    }
    progress.put(p.getCommandId(), p);
  }

  /** The latest progress of a command still running, if its agent reported any. */
  public Optional<Progress> progress(String commandId) {
    return Optional.ofNullable(progress.get(commandId));
  }

  /**
   * Sends a Cancel for a journaled command that has not finished to its agent.
   *
   * @return the command as journaled now; NOT_FOUND, FAILED_PRECONDITION (finished) or UNAVAILABLE
   *     (agent not connected) errors
   */
  public Mono<StoredCommand> cancel(String commandId) {
    return find(commandId)
        .flatMap(
            found -> {
              StoredCommand c = found.orElse(null);
              if (c == null) {
                return Mono.error(
                    Status.NOT_FOUND
                        .withDescription(
                            "no command '"
                                + commandId
                                + "' (unknown, read-only, or past retention)")
                        .asRuntimeException());
              }
              if (c.result().isPresent()) {
                return Mono.error(
                    Status.FAILED_PRECONDITION
                        .withDescription("command " + commandId + " has already finished")
                        .asRuntimeException());
              }
              Optional<AgentSession> session = registry.session(c.instanceId());
              if (session.isEmpty()
                  || !session
                      .get()
                      .send(
                          ControlFrame.newBuilder()
                              .setCancel(Cancel.newBuilder().setCommandId(commandId))
                              .build())) {
                return Mono.error(
                    Status.UNAVAILABLE
                        .withDescription(
                            "the agent of instance "
                                + c.instanceId()
                                + " is not reachable now; retry the cancel")
                        .asRuntimeException());
              }
              return Mono.just(c);
            });
  }

  /** The journaled state of a command (for CommandService). */
  public Mono<Optional<StoredCommand>> find(String commandId) {
    return Mono.fromCallable(() -> store.find(commandId)).subscribeOn(storeThread);
  }

  /** Forgets finished commands older than {@code retention}. */
  public Mono<Integer> prune(Duration retention) {
    return Mono.fromCallable(() -> store.prune(clock.instant().minus(retention)))
        .subscribeOn(storeThread);
  }

  @Override
  public void close() {
    waiting
        .values()
        .forEach(
            w ->
                w.result()
                    .tryEmitError(
                        Status.UNAVAILABLE
                            .withDescription("the control is shutting down")
                            .asRuntimeException()));
  }
}
