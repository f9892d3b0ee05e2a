package io.coffer.control.ha;

import io.coffer.control.events.EventKind;
import io.coffer.control.events.Events;
import io.coffer.control.registry.AgentRegistry;
import io.coffer.control.replication.HaSettings;
import io.coffer.control.replication.ReplicationSteps;
import io.coffer.control.replication.Topology;
import io.coffer.control.replication.Topology.Group;
import io.coffer.control.workflow.Workflow;
import io.coffer.control.workflow.WorkflowDefinition;
import io.coffer.control.workflow.WorkflowDefinition.Named;
import io.coffer.control.workflow.WorkflowRunner;
import io.coffer.proto.v1.Health;
import io.coffer.proto.v1.InstanceState;
import io.coffer.proto.v1.InstanceStatus;
import io.grpc.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Failover: the group's primary is lost and its most advanced replica takes its place, in a new
 * term, with nothing promoted while the old primary could still take writes. One journaled
 * workflow, resumed by a restarted control at the step it was in, for both ways it starts:
 * automatically ({@link HaMonitor}, after the detection window) or by a person ({@code coffer
 * eject}, which skips the agreement check). Its steps, in order:
 *
 * <ol>
 *   <li><b>confirm</b> (automatic only): the primary is still silent or down, and most of its
 *       replicas no longer receive from it; otherwise the control is the one cut off, and the
 *       workflow ends there (event {@code failover_declined});
 *   <li><b>wait out the lease</b>: no lease is granted from the start, and the last one granted
 *       ends (plus a margin) before anything is promoted; by then the old primary's agent, if it
 *       lives, has fenced its server;
 *   <li><b>fence</b> the old primary if it answers (its datastore down, its agent up);
 *   <li><b>choose</b> the most advanced replica among those within the group's maximum lag
 *       (replication position; a synchronous replica first among equals);
 *   <li><b>start a new term</b>, journaled: commands of the old term are refused from now on;
 *   <li><b>promote</b> it, <b>prepare</b> its replication account, <b>attach</b> the other replicas
 *       to it;
 *   <li><b>record</b> the topology: the old primary is deposed and stays fenced until rejoined
 *       ({@link Repairs});
 *   <li>make the new primary wait for a synchronous replica again, where there was one.
 * </ol>
 */
public final class Failover {
  public static final String KIND = "failover";
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(3);

  private final AgentRegistry registry;
  private final Topology topology;
  private final ReplicationSteps steps;
  private final WorkflowRunner runner;
  private final Leases leases;
  private final Events events;
  private final Clock clock;

  public Failover(
      AgentRegistry registry,
      ReplicationSteps steps,
      WorkflowRunner runner,
      Leases leases,
      Events events,
      Clock clock) {
    this.registry = registry;
    this.topology = steps.topology();
    this.steps = steps;
    this.runner = runner;
    this.leases = leases;
    this.events = events;
    this.clock = clock;
    runner.define(
        new WorkflowDefinition(
            KIND,
            List.of(
                new Named("confirm the primary is lost (its replicas' view)", this::confirm),
                new Named("wait out the primary's lease", this::waitOutLease),
                new Named("fence the old primary if it answers", this::fenceOld),
                new Named("choose the most advanced eligible replica", this::choose),
                new Named("start a new term", this::newTerm),
                new Named("promote it", this::promote),
                new Named(
                    "prepare the new primary's replication account",
                    w -> steps.prepareSource(w, newPrimary(w), false)),
                new Named("attach the other replicas to it", this::attachOthers),
                new Named("record the topology (the old primary is deposed)", this::record),
                new Named(
                    "make the new primary wait for a synchronous replica (where one was)",
                    this::requireSynchronous))));
  }

  /**
   * Starts the automatic failover of {@code primary}'s group: the workflow id is derived from the
   * group's term, so the same loss never starts two.
   *
   * @param lastHeartbeat the last heartbeat of the primary, for the unavailability measured
   */
  public Mono<Workflow> automatic(String primary, String reason, Instant lastHeartbeat) {
    Group group = topology.group(primary).orElseThrow();
    String id = "failover-" + primary + "-t" + group.term() + "-" + lastHeartbeat.getEpochSecond();
    return runner.start(
        id,
        KIND,
        Map.of("source", primary, "manual", "false"),
        () -> begin(primary, group, reason, lastHeartbeat));
  }

  /**
   * {@code coffer eject}: a person's failover. Refused while the primary answers, unless {@code
   * force} (then it is fenced like a lost one that answers).
   */
  public Mono<Workflow> eject(String primary, boolean force, String workflowId) {
    return runner.start(
        workflowId,
        KIND,
        Map.of("source", primary, "manual", "true", "force", Boolean.toString(force)),
        () -> {
          InstanceStatus s = registry.require(primary);
          if (topology.replicasOf(primary).isEmpty()) {
            throw Status.FAILED_PRECONDITION
                .withDescription("instance " + primary + " has no replicas to promote")
                .asRuntimeException();
          }
          if (!force && answers(s)) {
            throw Status.FAILED_PRECONDITION
                .withDescription(
                    "instance "
                        + primary
                        + " still answers (connected, its"
                        + " datastore healthy): a failover now would leave two primaries. Promote a replica instead (a"
                        + " switchover loses nothing), or eject with --force to fence it and fail over anyway")
                .asRuntimeException();
          }
          Group group =
              topology.group(primary).orElseGet(() -> new Group(primary, 0, HaSettings.DEFAULTS));
          Instant last =
              s.hasLastHeartbeat()
                  ? Instant.ofEpochSecond(
                      s.getLastHeartbeat().getSeconds(), s.getLastHeartbeat().getNanos())
                  : clock.instant();
          return begin(
              primary, group, force ? "ejected by a person (forced)" : "ejected by a person", last);
        });
  }

  /** The parameters a failover starts with: what it measures against, and the end of the lease. */
  private Map<String, String> begin(
      String primary, Group group, String reason, Instant lastHeartbeat) {
    Instant leaseEnd = leases.revoke(primary, group);
    Map<String, String> params = new HashMap<>();
    params.put("reason", reason);
    params.put("last_heartbeat_ms", Long.toString(lastHeartbeat.toEpochMilli()));
    params.put("lease_until_ms", Long.toString(leaseEnd.toEpochMilli()));
    params.put("max_lag_ms", Long.toString(group.settings().maxLag().toMillis()));
    params.put("term_before", Long.toString(group.term()));
    for (String r :
        topology.replicasOf(primary)) { // the lag each replica had when its primary was lost
      registry
          .status(r)
          .filter(s -> s.getMetricsMap().containsKey("replication_lag_seconds"))
          .ifPresent(
              s ->
                  params.put(
                      "lag_ms:" + r,
                      Long.toString(
                          (long) (s.getMetricsOrThrow("replication_lag_seconds") * 1000))));
    }
    return params;
  }

  // ---- steps ----

  private Mono<Map<String, String>> confirm(Workflow w) {
    String primary = w.param("source");
    if (Boolean.parseBoolean(w.param("manual"))) {
      started(w);
      return Mono.just(Map.of());
    }
    if (registry.status(primary).map(Failover::answers).orElse(false)) {
      return decline(w, "the primary answers again", Map.of());
    }
    List<String> replicas = topology.replicasOf(primary);
    return steps
        .statuses(w, replicas, ASK_TIMEOUT)
        .flatMap(
            views -> {
              Agreement agreement = Agreement.of(primary, views, replicas.size());
              if (!agreement.go()) {
                return decline(w, agreement.why(), agreement.details());
              }
              started(w);
              return Mono.just(
                  Map.<String, String>of("receiving", agreement.details().get("receiving")));
            });
  }

  private void started(Workflow w) {
    events.publish(
        EventKind.FAILOVER_STARTED,
        w.param("source"),
        "failover of " + w.param("source") + " started: " + w.param("reason"),
        Map.of("workflow_id", w.id(), "reason", w.param("reason")));
  }

  private Mono<Map<String, String>> decline(Workflow w, String why, Map<String, String> details) {
    leases.restore(w.param("source"));
    Map<String, String> all = new HashMap<>(details);
    all.put("workflow_id", w.id());
    all.put("reason", why);
    events.publish(
        EventKind.FAILOVER_DECLINED,
        w.param("source"),
        "no failover of " + w.param("source") + ": " + why,
        all);
    return Mono.just(Map.of(WorkflowRunner.ENDED, "declined: " + why));
  }

  private Mono<Map<String, String>> waitOutLease(Workflow w) {
    long waitMillis = Long.parseLong(w.param("lease_until_ms")) - clock.millis();
    return Mono.delay(Duration.ofMillis(Math.max(0, waitMillis))).thenReturn(Map.of());
  }

  /** The old primary is fenced when it answers; it may well not (that is why it fails over). */
  private Mono<Map<String, String>> fenceOld(Workflow w) {
    String old = w.param("source");
    if (registry.session(old).isEmpty()) {
      return Mono.just(Map.of("old_primary_fenced", "unreachable"));
    }
    return steps
        .fence(w, old, ASK_TIMEOUT)
        .map(
            fenced -> {
              events.publish(
                  EventKind.FENCING_APPLIED,
                  old,
                  "the control fenced " + old + " before the failover",
                  Map.of("workflow_id", w.id(), "position", fenced.get("fenced_position")));
              return Map.of("old_primary_fenced", "yes");
            })
        .onErrorResume(e -> Mono.just(Map.of("old_primary_fenced", "no answer")));
  }

  private Mono<Map<String, String>> choose(Workflow w) {
    String primary = w.param("source");
    long maxLag = Long.parseLong(w.param("max_lag_ms"));
    boolean manual = Boolean.parseBoolean(w.param("manual"));
    Map<String, Long> lags = new HashMap<>();
    w.params()
        .forEach(
            (k, v) -> {
              if (k.startsWith("lag_ms:")) {
                lags.put(k.substring("lag_ms:".length()), Long.parseLong(v));
              }
            });
    return steps
        .statuses(w, topology.replicasOf(primary), Duration.ofSeconds(10))
        .flatMap(
            views -> {
              Candidates.Choice choice =
                  Candidates.choose(views, lags, maxLag, manual, topology::synchronous);
              if (choice.chosen().isEmpty()) {
                leases.restore(primary);
                return Mono.error(
                    new IllegalStateException(
                        "no replica of " + primary + " can be promoted: " + choice.refusal()));
              }
              return Mono.just(
                  Map.of(
                      "new_primary",
                      choice.chosen().get().getKey(),
                      "new_primary_position",
                      choice.chosen().get().getValue()));
            });
  }

  private Mono<Map<String, String>> newTerm(Workflow w) {
    return Mono.fromCallable(
            () -> {
              // a step repeated after a control restart must not start a second term
              long before = Long.parseLong(w.param("term_before"));
              long term =
                  topology
                      .group(newPrimary(w))
                      .map(Group::term)
                      .filter(t -> t > before)
                      .orElseGet(() -> topology.startTerm(w.param("source"), newPrimary(w)));
              return Map.of("term", Long.toString(term));
            })
        .subscribeOn(Schedulers.boundedElastic());
  }

  private Mono<Map<String, String>> promote(Workflow w) {
    return steps
        .promote(w, newPrimary(w))
        .thenReturn(Map.of("promoted_at_ms", Long.toString(clock.millis())));
  }

  /** The others follow the new primary; one that does not answer is left for the repair loop. */
  private Mono<Map<String, String>> attachOthers(Workflow w) {
    List<String> others = new ArrayList<>(topology.replicasOf(w.param("source")));
    others.remove(newPrimary(w));
    return Flux.fromIterable(others)
        .concatMap(
            r ->
                steps
                    .attachAll(w, newPrimary(w), List.of(r), Duration.ofSeconds(30))
                    .map(x -> "")
                    .onErrorResume(e -> Mono.just(r)))
        .filter(r -> !r.isEmpty())
        .collectList()
        .map(
            unattached ->
                unattached.isEmpty()
                    ? Map.<String, String>of()
                    : Map.of("unattached", String.join(",", unattached)));
  }

  private Mono<Map<String, String>> record(Workflow w) {
    String old = w.param("source");
    String promoted = newPrimary(w);
    long term = Long.parseLong(w.param("term"));
    return steps
        .record(
            () -> {
              List<String> others = new ArrayList<>(topology.replicasOf(old));
              others.remove(promoted);
              topology.clearSource(promoted);
              others.forEach(f -> topology.setSource(f, promoted));
              topology.depose(old, promoted, term, clock.instant());
              leases.restore(old);
              long unavailable =
                  Long.parseLong(w.param("promoted_at_ms"))
                      - Long.parseLong(w.param("last_heartbeat_ms"));
              events.publish(
                  EventKind.FAILOVER_COMPLETED,
                  old,
                  promoted + " replaces " + old + " as the primary (term " + term + ")",
                  Map.of(
                      "workflow_id",
                      w.id(),
                      "new_primary",
                      promoted,
                      "term",
                      Long.toString(term),
                      "unavailable_millis",
                      Long.toString(unavailable),
                      "reason",
                      w.param("reason")));
            })
        .thenReturn(Map.of());
  }

  private Mono<Map<String, String>> requireSynchronous(Workflow w) {
    boolean anySynchronous =
        topology.replicasOf(newPrimary(w)).stream().anyMatch(topology::synchronous);
    return anySynchronous ? steps.prepareSource(w, newPrimary(w), true) : Mono.just(Map.of());
  }

  private static String newPrimary(Workflow w) {
    return w.param("new_primary");
  }

  /** Connected, heartbeating within the window, its datastore healthy. */
  static boolean answers(InstanceStatus s) {
    return s.getState() == InstanceState.INSTANCE_STATE_CONNECTED
        && s.getHealth() == Health.HEALTH_HEALTHY;
  }
}
