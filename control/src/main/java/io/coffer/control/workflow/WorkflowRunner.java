package io.coffer.control.workflow;

import io.coffer.control.broker.Broker;
import io.coffer.control.events.EventKind;
import io.coffer.control.events.Events;
import io.grpc.StatusRuntimeException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Runs workflows step by step, journaling each step's outcome before the next starts, and resumes
 * the running ones when the control starts. A failed step fails the workflow (no automatic
 * compensation: the error says which step and why, and the steps already done stay done).
 */
public final class WorkflowRunner {
  private static final Logger log = LoggerFactory.getLogger(WorkflowRunner.class);
  private final WorkflowStore store;
  private final Clock clock;
  private volatile Events events;
  private final Map<String, WorkflowDefinition> definitions = new ConcurrentHashMap<>();

  /** Workflows this control is running now, so a start request never runs one twice. */
  private final Map<String, Boolean> active = new ConcurrentHashMap<>();

  private final Scheduler blocking = Schedulers.boundedElastic();

  public WorkflowRunner(WorkflowStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Failed workflows are published as events from now on. */
  public void publishTo(Events events) {
    this.events = events;
  }

  /**
   * The instance a workflow is about, for its events: the replica, else the source, else the
   * member.
   */
  private static String subject(Workflow w) {
    for (String key : List.of("replica", "source", "member", "instance")) {
      String v = w.params().get(key);
      if (v != null && !v.isEmpty()) {
        return v;
      }
    }
    return "";
  }

  public void define(WorkflowDefinition definition) {
    definitions.put(definition.kind(), definition);
  }

  /**
   * A step that produces this parameter ends its workflow there, SUCCEEDED, without the steps after
   * it; the value says why (e.g. a failover that was not needed).
   */
  public static final String ENDED = "ended";

  /** The command id of a workflow's step: re-running the step joins the same journaled command. */
  public static String commandId(Workflow w, String suffix) {
    return "wf:" + w.id() + ":" + w.step() + (suffix.isEmpty() ? "" : ":" + suffix);
  }

  /**
   * Journals and starts a workflow, once per id. A start with an id already journaled returns that
   * workflow when the request is the same (a retry, even after the workflow ended and whatever it
   * changed since), and is refused (ALREADY_EXISTS) when it is another kind or another request.
   * Otherwise {@code prepare} checks the request against the present state (it throws the caller's
   * error, e.g. INVALID_ARGUMENT) and gives the workflow's first parameters.
   *
   * @param request what the caller asked, as compared between retries (never secrets)
   * @param prepare runs on a blocking-friendly thread, only for a new id
   * @return the workflow as journaled at its start
   */
  public Mono<Workflow> start(
      String id, String kind, Map<String, String> request, Callable<Map<String, String>> prepare) {
    WorkflowDefinition def = definitions.get(kind);
    if (def == null) {
      return Mono.error(new IllegalArgumentException("no workflow kind " + kind));
    }
    return Mono.fromCallable(
            () -> {
              Optional<WorkflowStore.Stored> earlier = store.find(id);
              if (earlier.isPresent()) {
                return sameRequest(earlier.get(), id, kind, request);
              }
              Map<String, String> params = new HashMap<>(request);
              params.putAll(prepare.call());
              Instant now = clock.instant();
              return sameRequest(
                  store.insertIfAbsent(
                      new Workflow(id, kind, Workflow.State.RUNNING, 0, params, now, now, ""),
                      request),
                  id,
                  kind,
                  request);
            })
        .subscribeOn(blocking)
        .doOnNext(this::launch);
  }

  private static Workflow sameRequest(
      WorkflowStore.Stored stored, String id, String kind, Map<String, String> request) {
    Workflow w = stored.workflow();
    if (!w.kind().equals(kind) || !stored.request().map(request::equals).orElse(true)) {
      throw Broker.reused(
          id,
          w.kind()
              + " workflow "
              + stored.request().map(r -> new TreeMap<>(r).toString()).orElse(""));
    }
    return w;
  }

  /**
   * The workflow once it has ended (polled from the journal, so it works for resumed workflows
   * too).
   */
  public Mono<Workflow> whenEnded(String id) {
    return Flux.interval(Duration.ZERO, Duration.ofMillis(500))
        .concatMap(t -> get(id))
        .filter(w -> w.isPresent() && w.get().state() != Workflow.State.RUNNING)
        .next()
        .map(Optional::get);
  }

  /** The workflows of {@code kind} running now (journaled RUNNING). */
  public List<Workflow> running(String kind) {
    return store.running().stream().filter(w -> w.kind().equals(kind)).toList();
  }

  public Mono<Optional<Workflow>> get(String id) {
    return Mono.fromCallable(() -> store.get(id)).subscribeOn(blocking);
  }

  /** Resumes every workflow a previous control left running. */
  public void resumeAll() {
    Mono.fromCallable(store::running)
        .subscribeOn(blocking)
        .subscribe(
            list ->
                list.forEach(
                    w -> {
                      log.info("resuming workflow {} ({}) at step {}", w.id(), w.kind(), w.step());
                      launch(w);
                    }),
            e -> log.error("cannot resume workflows", e));
  }

  /** The name of the step a workflow is at, for status displays. */
  public String stepName(Workflow w) {
    WorkflowDefinition def = definitions.get(w.kind());
    if (def == null || w.step() >= def.steps().size()) {
      return w.state() == Workflow.State.RUNNING ? "finishing" : "";
    }
    return def.steps().get(w.step()).name();
  }

  public int stepCount(String kind) {
    WorkflowDefinition def = definitions.get(kind);
    return def == null ? 0 : def.steps().size();
  }

  private void launch(Workflow w) {
    if (w.state() != Workflow.State.RUNNING || active.putIfAbsent(w.id(), Boolean.TRUE) != null) {
      return;
    }
    runFrom(w)
        .doFinally(s -> active.remove(w.id()))
        .subscribe(
            done -> log.info("workflow {} ({}) {}", done.id(), done.kind(), done.state()),
            e -> log.error("workflow {} stopped unexpectedly", w.id(), e));
  }

  private Mono<Workflow> runFrom(Workflow w) {
    WorkflowDefinition def = definitions.get(w.kind());
    if (w.step() >= def.steps().size()) {
      return persist(w.finished(Workflow.State.SUCCEEDED, "", clock.instant()));
    }
    WorkflowDefinition.Named step = def.steps().get(w.step());
    return Mono.defer(() -> step.step().run(w))
        .flatMap(
            produced ->
                persist(
                    produced.containsKey(ENDED)
                        ? w.next(produced, clock.instant())
                            .finished(Workflow.State.SUCCEEDED, "", clock.instant())
                        : w.next(produced, clock.instant())))
        .onErrorResume(
            e -> {
              String why =
                  "step " + (w.step() + 1) + " (" + step.name() + ") failed: " + describe(e);
              log.warn("workflow {} ({}): {}", w.id(), w.kind(), why);
              Events to = events;
              if (to != null) {
                to.publish(
                    EventKind.WORKFLOW_FAILED,
                    subject(w),
                    w.kind() + " workflow " + w.id() + " failed: " + why,
                    Map.of("workflow_id", w.id(), "kind", w.kind(), "step", step.name()));
              }
              return persist(w.finished(Workflow.State.FAILED, why, clock.instant()));
            })
        .flatMap(next -> next.state() == Workflow.State.RUNNING ? runFrom(next) : Mono.just(next));
  }

  private Mono<Workflow> persist(Workflow w) {
    return Mono.fromCallable(
            () -> {
              store.update(w);
              return w;
            })
        .subscribeOn(blocking);
  }

  private static String describe(Throwable e) {
    if (e instanceof StatusRuntimeException s) {
      return s.getStatus().getCode() + ": " + s.getStatus().getDescription();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
