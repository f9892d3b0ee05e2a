package io.coffer.control.replication;

import io.coffer.control.registry.AgentRegistry;
import io.coffer.control.status.ApiErrors;
import io.coffer.control.workflow.Workflow;
import io.coffer.control.workflow.WorkflowDefinition;
import io.coffer.control.workflow.WorkflowDefinition.Named;
import io.coffer.control.workflow.WorkflowRunner;
import io.coffer.proto.v1.InstanceStatus;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The replication workflows a person starts: create a replica from a backup of its source,
 * switchover (promote a replica with nothing lost, in a new term), rejoin (a former primary follows
 * again) and repair (re-seed a broken replica from a fresh backup). Failover, by hand ({@code
 * coffer eject}) or on its own, is {@code io.coffer.control.ha.Failover}'s. Each step is one
 * command on one agent ({@link ReplicationSteps}).
 */
public final class ReplicationManager {
  public static final String CREATE_REPLICA = "create_replica";
  public static final String SWITCHOVER = "switchover";
  public static final String REJOIN = "rejoin";
  public static final String REPAIR = "repair_replica";

  /**
   * How long a rejoined instance may take to replicate (a PostgreSQL standby restarts after
   * pg_rewind).
   */
  private static final Duration REPLICATING = Duration.ofSeconds(60);

  private final AgentRegistry registry;
  private final Topology topology;
  private final WorkflowRunner runner;
  private final ReplicationSteps steps;

  public ReplicationManager(AgentRegistry registry, ReplicationSteps steps, WorkflowRunner runner) {
    this.registry = registry;
    this.steps = steps;
    this.topology = steps.topology();
    this.runner = runner;
    runner.define(
        new WorkflowDefinition(
            CREATE_REPLICA,
            List.of(
                new Named(
                    "prepare the source's replication account",
                    w -> steps.prepareSource(w, w.param("source"), false)),
                new Named("take a full backup of the source", steps::backupSource),
                new Named("restore the backup on the replica", steps::restoreOnReplica),
                new Named(
                    "attach the replica to the source",
                    w ->
                        steps.attach(
                            w,
                            w.param("replica"),
                            w.param("source"),
                            semiSync(w),
                            steps.positionsOf(w.param("backup_id")),
                            ReplicationSteps.STEP_TIMEOUT)),
                new Named(
                    "make the source wait for the replica (semi-sync only)",
                    this::requireSynchronous),
                new Named(
                    "record the topology",
                    w ->
                        steps.record(
                            () ->
                                topology.setSource(
                                    w.param("replica"), w.param("source"), semiSync(w)))))));
    runner.define(
        new WorkflowDefinition(
            SWITCHOVER,
            List.of(
                new Named(
                    "fence the source (read-only)",
                    w -> steps.fence(w, w.param("source"), ReplicationSteps.STEP_TIMEOUT)),
                new Named("wait until the replica has applied everything", steps::catchUp),
                new Named(
                    "start a new term",
                    w ->
                        Mono.fromCallable(
                                () ->
                                    Map.of(
                                        "term",
                                        Long.toString(
                                            topology.startTerm(
                                                w.param("source"), w.param("replica")))))
                            .subscribeOn(Schedulers.boundedElastic())),
                new Named("promote the replica", w -> steps.promote(w, w.param("replica"))),
                new Named(
                    "prepare the new primary's replication account",
                    w -> steps.prepareSource(w, w.param("replica"), false)),
                new Named(
                    "attach the old source and the other replicas",
                    w ->
                        steps.attachAll(
                            w,
                            w.param("replica"),
                            followersAfterSwitchover(w),
                            ReplicationSteps.STEP_TIMEOUT)),
                new Named(
                    "record the topology",
                    w ->
                        steps.record(
                            () -> {
                              boolean wasSynchronous = topology.synchronous(w.param("replica"));
                              List<String> others = others(w.param("source"), w.param("replica"));
                              topology.clearSource(w.param("replica"));
                              others.forEach(f -> topology.setSource(f, w.param("replica")));
                              topology.setSource(
                                  w.param("source"), w.param("replica"), wasSynchronous);
                            })),
                new Named(
                    "make the new primary wait for a synchronous replica (where one is)",
                    w ->
                        topology.replicasOf(w.param("replica")).stream()
                                .anyMatch(topology::synchronous)
                            ? steps.prepareSource(w, w.param("replica"), true)
                            : Mono.just(Map.of())))));
    runner.define(
        new WorkflowDefinition(
            REJOIN,
            List.of(
                new Named(
                    "prepare the source's replication account",
                    w -> steps.prepareSource(w, w.param("source"), false)),
                new Named(
                    "rewind the instance where needed and attach it to the source",
                    w ->
                        steps.attach(
                            w,
                            w.param("replica"),
                            w.param("source"),
                            topology.synchronous(w.param("replica")),
                            Mono.just(Map.of()),
                            steps.jobTimeout())), // a rewind copies what changed: it may take long
                new Named(
                    "record the topology",
                    w ->
                        steps.record(
                            () -> topology.setSource(w.param("replica"), w.param("source")))),
                // MariaDB attaches a former primary that has a transaction its new source lacks,
                // then its
                // receiver stops on it: such a replica fails here, recorded, so that a repair
                // re-seeds it
                new Named(
                    "check that it replicates",
                    w -> steps.awaitReplicating(w, w.param("replica"), REPLICATING)))));
    runner.define(
        new WorkflowDefinition(
            REPAIR,
            List.of(
                new Named(
                    "prepare the source's replication account",
                    w -> steps.prepareSource(w, w.param("source"), false)),
                new Named("take a full backup of the source", steps::backupSource),
                new Named(
                    "re-seed the replica from the backup (its data is replaced)",
                    steps::reseedReplica),
                new Named(
                    "attach the replica to the source",
                    w ->
                        steps.attach(
                            w,
                            w.param("replica"),
                            w.param("source"),
                            semiSync(w),
                            steps.positionsOf(w.param("backup_id")),
                            ReplicationSteps.STEP_TIMEOUT)),
                new Named(
                    "make the source wait for the replica (semi-sync only)",
                    this::requireSynchronous),
                new Named(
                    "record the topology",
                    w ->
                        steps.record(
                            () ->
                                topology.setSource(
                                    w.param("replica"), w.param("source"), semiSync(w)))))));
  }

  // ---- starting workflows (validation happens here, before anything is journaled) ----

  /**
   * Both instances exist, replicate and run the same engine.
   *
   * @param field the request field an engine mismatch is blamed on
   */
  public void requireReplicationPair(String source, String replica, String field) {
    InstanceStatus s = registry.require(source);
    InstanceStatus r = registry.require(replica);
    requireReplication(s);
    requireReplication(r);
    if (!s.getDatastore().getEngine().equals(r.getDatastore().getEngine())) {
      throw invalid(
          field,
          "instance "
              + replica
              + " runs "
              + r.getDatastore().getEngine()
              + ", its source "
              + source
              + " runs "
              + s.getDatastore().getEngine());
    }
  }

  /** A workflow's parameters. */
  private static Map<String, String> params(String source, String replica, boolean semiSync) {
    Map<String, String> params = new HashMap<>();
    params.put("source", source);
    if (replica != null) {
      params.put("replica", replica);
    }
    params.put("semi_sync", String.valueOf(semiSync));
    return params;
  }

  /** A former primary (or any instance that kept its data) follows {@code source} again. */
  public Mono<Workflow> rejoin(String instance, String source, String workflowId) {
    return runner.start(
        workflowId,
        REJOIN,
        Map.of("replica", instance, "source", source),
        () -> {
          if (source.equals(instance)) {
            throw invalid("source_instance_id", "an instance cannot follow itself");
          }
          requireReplicationPair(source, instance, "source_instance_id");
          Optional<String> current = topology.sourceOf(instance);
          if (current.isPresent() && !current.get().equals(source)) {
            throw Status.FAILED_PRECONDITION
                .withDescription(
                    "instance "
                        + instance
                        + " replicates from "
                        + current.get()
                        + "; promote or eject first")
                .asRuntimeException();
          }
          return params(source, instance, false);
        });
  }

  public Mono<Workflow> createReplica(
      String source, String replica, boolean semiSync, String workflowId) {
    Map<String, String> request =
        Map.of("source", source, "replica", replica, "semi_sync", String.valueOf(semiSync));
    return runner.start(
        workflowId,
        CREATE_REPLICA,
        request,
        () -> {
          if (source.equals(replica)) {
            throw invalid("instance_id", "the replica must be another instance than its source");
          }
          requireReplicationPair(source, replica, "instance_id");
          if (topology.sourceOf(replica).isPresent()) {
            throw Status.FAILED_PRECONDITION
                .withDescription(
                    "instance "
                        + replica
                        + " already replicates from "
                        + topology.sourceOf(replica).get())
                .asRuntimeException();
          }
          return params(source, replica, semiSync);
        });
  }

  /** Re-seeds a replica the control knows of from a fresh full backup of its (connected) source. */
  public Mono<Workflow> repair(String replica, boolean semiSync, String workflowId) {
    return runner.start(
        workflowId,
        REPAIR,
        Map.of("replica", replica, "semi_sync", String.valueOf(semiSync)),
        () -> {
          registry.require(replica);
          String source =
              topology
                  .sourceOf(replica)
                  .orElseThrow(
                      () ->
                          Status.FAILED_PRECONDITION
                              .withDescription(
                                  "instance "
                                      + replica
                                      + " is not a replica the control knows of; only a replica is re-seeded")
                              .asRuntimeException());
          requireReplicationPair(source, replica, "instance_id");
          if (registry.session(source).isEmpty()) {
            throw Status.FAILED_PRECONDITION
                .withDescription(
                    "the source "
                        + source
                        + " is not connected; a repair"
                        + " takes a fresh backup of it. If it is gone, eject it (failover)")
                .asRuntimeException();
          }
          return params(source, replica, semiSync);
        });
  }

  public Mono<Workflow> promote(String replica, String workflowId) {
    return runner.start(
        workflowId,
        SWITCHOVER,
        Map.of("replica", replica),
        () -> {
          registry.require(replica);
          String source =
              topology
                  .sourceOf(replica)
                  .orElseThrow(
                      () ->
                          Status.FAILED_PRECONDITION
                              .withDescription(
                                  "instance " + replica + " is not a replica the control knows of")
                              .asRuntimeException());
          if (registry.session(source).isEmpty()) {
            throw Status.FAILED_PRECONDITION
                .withDescription(
                    "the source "
                        + source
                        + " is not connected; a switchover"
                        + " needs it to fence it without losing writes. If it is gone, eject it (failover)")
                .asRuntimeException();
          }
          return params(source, replica, false);
        });
  }

  public Mono<List<String>> replicasOf(String source) {
    return Mono.fromCallable(() -> topology.replicasOf(source))
        .subscribeOn(Schedulers.boundedElastic());
  }

  public WorkflowRunner runner() {
    return runner;
  }

  // ---- helpers ----

  /**
   * Only now, with a replica attached: a source told earlier would hold every commit until then.
   */
  private Mono<Map<String, String>> requireSynchronous(Workflow w) {
    return semiSync(w) ? steps.prepareSource(w, w.param("source"), true) : Mono.just(Map.of());
  }

  private static boolean semiSync(Workflow w) {
    return Boolean.parseBoolean(w.param("semi_sync"));
  }

  /** After a switchover: the old source and the source's other replicas follow the promoted one. */
  private List<String> followersAfterSwitchover(Workflow w) {
    List<String> out = others(w.param("source"), w.param("replica"));
    out.add(w.param("source"));
    return out;
  }

  private List<String> others(String source, String except) {
    List<String> out = new ArrayList<>(topology.replicasOf(source));
    out.remove(except);
    return out;
  }

  static void requireReplication(InstanceStatus s) {
    if (!s.getCapabilitiesList().contains("attach_replica")) {
      throw Status.UNIMPLEMENTED
          .withDescription(
              "instance "
                  + s.getInstanceId()
                  + " ("
                  + s.getDatastore().getEngine()
                  + ") does not support replication")
          .asRuntimeException();
    }
  }

  private static StatusRuntimeException invalid(String field, String problem) {
    return ApiErrors.invalidArgument(field, problem);
  }
}
