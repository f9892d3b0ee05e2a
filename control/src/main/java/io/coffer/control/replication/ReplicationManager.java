package io.coffer.control.replication;

import io.coffer.control.backup.BackupEntry;
import io.coffer.control.backup.BackupManager;
import io.coffer.control.broker.Broker;
import io.coffer.control.keys.DerivedPasswords;
import io.coffer.control.registry.AgentRegistry;
import io.coffer.control.workflow.Workflow;
import io.coffer.control.workflow.WorkflowDefinition.Named;
import io.coffer.control.workflow.WorkflowDefinition;
import io.coffer.control.workflow.WorkflowRunner;
import io.coffer.proto.v1.AttachReplica;
import io.coffer.proto.v1.AwaitReplicaPosition;
import io.coffer.proto.v1.BackupState;
import io.coffer.proto.v1.BackupType;
import io.coffer.proto.v1.FenceSource;
import io.coffer.proto.v1.GetReplicationStatus;
import io.coffer.proto.v1.InstanceStatus;
import io.coffer.proto.v1.Operation;
import io.coffer.proto.v1.OperationResult;
import io.coffer.proto.v1.PrepareReplicationSource;
import io.coffer.proto.v1.PromoteReplica;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Replication workflows: create a replica from a backup of its source, switchover (promote a
 * replica with nothing lost), failover (eject a lost source), rejoin (a former primary follows
 * again) and repair (re-seed a broken replica from a fresh backup). Each step is one command on one
 * agent, sent with a command id derived from the workflow and step, so a step repeated after a
 * control restart joins the journaled command instead of running twice.
 */
public final class ReplicationManager {
  public static final String CREATE_REPLICA = "create_replica";
  public static final String SWITCHOVER = "switchover";
  public static final String FAILOVER = "failover";
  public static final String REJOIN = "rejoin";
  public static final String REPAIR = "repair_replica";
  /** The replication account on every source; reserved by the plugins. */
  static final String REPLICATION_USER = "coffer_repl";
  private static final Duration STEP_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration CATCH_UP = Duration.ofSeconds(60);

  private final Broker broker;
  private final AgentRegistry registry;
  private final BackupManager backups;
  private final Topology topology;
  private final WorkflowRunner runner;
  private final Duration jobTimeout;
  private final DerivedPasswords passwords;

  public ReplicationManager(Broker broker, AgentRegistry registry, BackupManager backups, Topology topology,
      WorkflowRunner runner, DerivedPasswords passwords, Duration jobTimeout) {
    this.passwords = passwords;
    this.broker = broker;
    this.registry = registry;
    this.backups = backups;
    this.topology = topology;
    this.runner = runner;
    this.jobTimeout = jobTimeout;
    runner.define(new WorkflowDefinition(CREATE_REPLICA, List.of(
        new Named("prepare the source's replication account", w -> prepareSource(w, w.param("source"))),
        new Named("take a full backup of the source", this::backupSource),
        new Named("restore the backup on the replica", this::restoreOnReplica),
        new Named("attach the replica to the source", w -> attach(w, w.param("replica"), w.param("source"),
            positionsOf(w.param("backup_id")))),
        new Named("make the source wait for the replica (semi-sync only)", this::requireSynchronous),
        new Named("record the topology", w -> record(() -> topology.setSource(w.param("replica"), w.param("source")))))));
    runner.define(new WorkflowDefinition(SWITCHOVER, List.of(
        new Named("fence the source (read-only)", this::fence),
        new Named("wait until the replica has applied everything", this::catchUp),
        new Named("promote the replica", w -> promote(w, w.param("replica"))),
        new Named("prepare the new primary's replication account", w -> prepareSource(w, w.param("replica"))),
        new Named("attach the old source and the other replicas", w -> attachAll(w, w.param("replica"),
            with(others(w.param("source"), w.param("replica")), w.param("source")))),
        new Named("record the topology", w -> record(() -> {
          List<String> followers = with(others(w.param("source"), w.param("replica")), w.param("source"));
          topology.clearSource(w.param("replica"));
          followers.forEach(f -> topology.setSource(f, w.param("replica")));
        })))));
    runner.define(new WorkflowDefinition(FAILOVER, List.of(
        new Named("find the most advanced replica", this::mostAdvanced),
        new Named("promote it", w -> promote(w, w.param("new_primary"))),
        new Named("prepare the new primary's replication account", w -> prepareSource(w, w.param("new_primary"))),
        new Named("attach the other replicas to it", w -> attachAll(w, w.param("new_primary"),
            others(w.param("source"), w.param("new_primary")))),
        new Named("record the topology", w -> record(() -> {
          List<String> followers = others(w.param("source"), w.param("new_primary"));
          topology.clearSource(w.param("new_primary"));
          followers.forEach(f -> topology.setSource(f, w.param("new_primary")));
        })))));
    runner.define(new WorkflowDefinition(REJOIN, List.of(
        new Named("prepare the source's replication account", w -> prepareSource(w, w.param("source"))),
        new Named("rewind the instance where needed and attach it to the source", w -> attach(w, w.param("replica"),
            w.param("source"), Mono.just(Map.of()), jobTimeout)), // a rewind copies what changed: it may take long
        new Named("record the topology", w -> record(() -> topology.setSource(w.param("replica"), w.param("source")))))));
    runner.define(new WorkflowDefinition(REPAIR, List.of(
        new Named("prepare the source's replication account", w -> prepareSource(w, w.param("source"))),
        new Named("take a full backup of the source", this::backupSource),
        new Named("re-seed the replica from the backup (its data is replaced)", this::reseedReplica),
        new Named("attach the replica to the source", w -> attach(w, w.param("replica"), w.param("source"),
            positionsOf(w.param("backup_id")))),
        new Named("make the source wait for the replica (semi-sync only)", this::requireSynchronous),
        new Named("record the topology", w -> record(() -> topology.setSource(w.param("replica"), w.param("source")))))));
  }

  // ---- starting workflows (validation happens here, before anything is journaled) ----

  /**
   * Both instances exist, replicate and run the same engine.
   *
   * @param field the request field an engine mismatch is blamed on
   */
  private void requireReplicationPair(String source, String replica, String field) {
    InstanceStatus s = registry.require(source);
    InstanceStatus r = registry.require(replica);
    requireReplication(s);
    requireReplication(r);
    if (!s.getDatastore().getEngine().equals(r.getDatastore().getEngine())) {
      throw invalid(field, "instance " + replica + " runs " + r.getDatastore().getEngine() + ", its source "
          + source + " runs " + s.getDatastore().getEngine());
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
    return runner.start(workflowId, REJOIN, Map.of("replica", instance, "source", source), () -> {
      if (source.equals(instance)) {
        throw invalid("source_instance_id", "an instance cannot follow itself");
      }
      requireReplicationPair(source, instance, "source_instance_id");
      java.util.Optional<String> current = topology.sourceOf(instance);
      if (current.isPresent() && !current.get().equals(source)) {
        throw Status.FAILED_PRECONDITION.withDescription("instance " + instance + " replicates from " + current.get()
            + "; promote or eject first").asRuntimeException();
      }
      return params(source, instance, false);
    });
  }

  public Mono<Workflow> createReplica(String source, String replica, boolean semiSync, String workflowId) {
    Map<String, String> request = Map.of("source", source, "replica", replica, "semi_sync", String.valueOf(semiSync));
    return runner.start(workflowId, CREATE_REPLICA, request, () -> {
      if (source.equals(replica)) {
        throw invalid("instance_id", "the replica must be another instance than its source");
      }
      requireReplicationPair(source, replica, "instance_id");
      if (topology.sourceOf(replica).isPresent()) {
        throw Status.FAILED_PRECONDITION.withDescription("instance " + replica + " already replicates from "
            + topology.sourceOf(replica).get()).asRuntimeException();
      }
      return params(source, replica, semiSync);
    });
  }

  /** Re-seeds a replica the control knows of from a fresh full backup of its (connected) source. */
  public Mono<Workflow> repair(String replica, boolean semiSync, String workflowId) {
    return runner.start(workflowId, REPAIR, Map.of("replica", replica, "semi_sync", String.valueOf(semiSync)), () -> {
      registry.require(replica);
      String source = topology.sourceOf(replica).orElseThrow(() -> Status.FAILED_PRECONDITION.withDescription(
          "instance " + replica + " is not a replica the control knows of; only a replica is re-seeded")
          .asRuntimeException());
      requireReplicationPair(source, replica, "instance_id");
      if (registry.session(source).isEmpty()) {
        throw Status.FAILED_PRECONDITION.withDescription("the source " + source + " is not connected; a repair"
            + " takes a fresh backup of it. If it is gone, eject it (failover)").asRuntimeException();
      }
      return params(source, replica, semiSync);
    });
  }

  public Mono<Workflow> promote(String replica, String workflowId) {
    return runner.start(workflowId, SWITCHOVER, Map.of("replica", replica), () -> {
      registry.require(replica);
      String source = topology.sourceOf(replica).orElseThrow(() -> Status.FAILED_PRECONDITION.withDescription(
          "instance " + replica + " is not a replica the control knows of").asRuntimeException());
      if (registry.session(source).isEmpty()) {
        throw Status.FAILED_PRECONDITION.withDescription("the source " + source + " is not connected; a switchover"
            + " needs it to fence it without losing writes. If it is gone, eject it (failover)").asRuntimeException();
      }
      return params(source, replica, false);
    });
  }

  public Mono<Workflow> eject(String source, String workflowId) {
    return runner.start(workflowId, FAILOVER, Map.of("source", source), () -> {
      registry.require(source);
      if (topology.replicasOf(source).isEmpty()) {
        throw Status.FAILED_PRECONDITION.withDescription("instance " + source + " has no replicas to promote")
            .asRuntimeException();
      }
      return params(source, null, false);
    });
  }

  public Mono<List<String>> replicasOf(String source) {
    return Mono.fromCallable(() -> topology.replicasOf(source)).subscribeOn(Schedulers.boundedElastic());
  }

  public WorkflowRunner runner() {
    return runner;
  }

  // ---- steps ----

  private Mono<Map<String, String>> prepareSource(Workflow w, String source) {
    return prepareSource(w, source, false);
  }

  private Mono<Map<String, String>> prepareSource(Workflow w, String source, boolean synchronous) {
    Operation op = Operation.newBuilder().setPrepareReplicationSource(PrepareReplicationSource.newBuilder()
        .setUser(REPLICATION_USER).setPassword(passwords.replication(source)).setSynchronous(synchronous)).build();
    return call(w, source, "prepare_replication_source", op).thenReturn(Map.of());
  }

  /** Only now, with a replica attached: a source told earlier would hold every commit until then. */
  private Mono<Map<String, String>> requireSynchronous(Workflow w) {
    return Boolean.parseBoolean(w.param("semi_sync")) ? prepareSource(w, w.param("source"), true) : Mono.just(Map.of());
  }

  private Mono<Map<String, String>> backupSource(Workflow w) {
    return backups.create(w.param("source"), BackupType.BACKUP_TYPE_FULL, "", WorkflowRunner.commandId(w, ""),
            BackupEntry.ORIGIN_WORKFLOW)
        .flatMap(b -> backups.awaitEnd(b.backupId(), jobTimeout))
        .flatMap(b -> b.state() == BackupState.BACKUP_STATE_COMPLETED
            ? Mono.just(Map.of("backup_id", b.backupId()))
            : Mono.error(new IllegalStateException("backup " + b.backupId() + " failed: " + b.error())));
  }

  private Mono<Map<String, String>> restoreOnReplica(Workflow w) {
    return backups.restore(w.param("backup_id"), w.param("replica"), WorkflowRunner.commandId(w, ""), true, jobTimeout)
        .thenReturn(Map.of());
  }

  private Mono<Map<String, String>> reseedReplica(Workflow w) {
    return backups.reseed(w.param("backup_id"), w.param("replica"), WorkflowRunner.commandId(w, ""), jobTimeout)
        .thenReturn(Map.of());
  }

  private Mono<Map<String, String>> attach(Workflow w, String replica, String source, Mono<Map<String, String>> positions) {
    return attach(w, replica, source, positions, STEP_TIMEOUT);
  }

  private Mono<Map<String, String>> attach(Workflow w, String replica, String source, Mono<Map<String, String>> positions,
      Duration timeout) {
    return positions.flatMap(pos -> {
      InstanceStatus s = registry.require(source);
      Operation op = Operation.newBuilder().setAttachReplica(AttachReplica.newBuilder()
          .setSourceHost(s.getDatastore().getHost())
          .setSourcePort(s.getDatastore().getPort())
          .setUser(REPLICATION_USER)
          .setPassword(passwords.replication(source))
          .putAllPositions(pos)
          .setSemiSync(Boolean.parseBoolean(w.param("semi_sync")))).build();
      return broker.dispatch(replica, WorkflowRunner.commandId(w, replica), "attach_replica", false, op, timeout);
    }).thenReturn(Map.of());
  }

  private Mono<Map<String, String>> attachAll(Workflow w, String newSource, List<String> followers) {
    return Flux.fromIterable(followers)
        .concatMap(f -> attach(w, f, newSource, Mono.just(Map.of())))
        .then(Mono.just(Map.of()));
  }

  private Mono<Map<String, String>> fence(Workflow w) {
    Operation op = Operation.newBuilder().setFenceSource(FenceSource.getDefaultInstance()).build();
    return call(w, w.param("source"), "fence_source", op)
        .map(r -> Map.of("fenced_position", r.getPosition().getPosition()));
  }

  private Mono<Map<String, String>> catchUp(Workflow w) {
    Operation op = Operation.newBuilder().setAwaitReplicaPosition(AwaitReplicaPosition.newBuilder()
        .setPosition(w.param("fenced_position")).setTimeoutMillis((int) CATCH_UP.toMillis())).build();
    return broker.dispatch(w.param("replica"), WorkflowRunner.commandId(w, "await"), "await_replica_position", true, op,
        CATCH_UP.plusSeconds(10)).thenReturn(Map.of());
  }

  private Mono<Map<String, String>> promote(Workflow w, String instance) {
    Operation op = Operation.newBuilder().setPromoteReplica(PromoteReplica.getDefaultInstance()).build();
    return call(w, instance, "promote_replica", op).thenReturn(Map.of());
  }

  /** The replica whose applied position is furthest; unreachable replicas are left out. */
  private Mono<Map<String, String>> mostAdvanced(Workflow w) {
    Operation op = Operation.newBuilder().setGetReplicationStatus(GetReplicationStatus.getDefaultInstance()).build();
    return Mono.fromCallable(() -> topology.replicasOf(w.param("source"))).subscribeOn(Schedulers.boundedElastic())
        .flatMapMany(Flux::fromIterable)
        .flatMap(r -> broker.dispatch(r, WorkflowRunner.commandId(w, r), "get_replication_status", true, op,
                Duration.ofSeconds(10))
            .map(result -> Map.entry(r, result.getReplication()))
            .onErrorResume(e -> Mono.empty()))
        .collectList()
        .flatMap(candidates -> candidates.stream()
            .max((a, b) -> Positions.compare(a.getValue().getPosition(), b.getValue().getPosition()))
            .map(best -> Mono.just(Map.of("new_primary", best.getKey(), "new_primary_position", best.getValue().getPosition())))
            .orElseGet(() -> Mono.error(new IllegalStateException("no replica of " + w.param("source") + " answered"))));
  }

  private Mono<Map<String, String>> record(Runnable change) {
    return Mono.fromRunnable(change).subscribeOn(Schedulers.boundedElastic()).thenReturn(Map.of());
  }

  // ---- helpers ----

  private Mono<OperationResult> call(Workflow w, String instance, String kind, Operation op) {
    return broker.dispatch(instance, WorkflowRunner.commandId(w, instance), kind, false, op, STEP_TIMEOUT);
  }

  private Mono<Map<String, String>> positionsOf(String backupId) {
    return backups.get(backupId).map(b -> b.filter(e -> e.manifest() != null)
        .map(e -> e.manifest().getPositionsMap())
        .orElseThrow(() -> new IllegalStateException("backup " + backupId + " has no manifest")));
  }

  private List<String> others(String source, String except) {
    List<String> out = new ArrayList<>(topology.replicasOf(source));
    out.remove(except);
    return out;
  }

  private static List<String> with(List<String> list, String extra) {
    List<String> out = new ArrayList<>(list);
    out.add(extra);
    return out;
  }

  private static void requireReplication(InstanceStatus s) {
    if (!s.getCapabilitiesList().contains("attach_replica")) {
      throw Status.UNIMPLEMENTED.withDescription("instance " + s.getInstanceId() + " (" + s.getDatastore().getEngine()
          + ") does not support replication").asRuntimeException();
    }
  }

  private static io.grpc.StatusRuntimeException invalid(String field, String problem) {
    return io.coffer.control.northbound.Errors.invalidArgument(field, problem);
  }

}
