package io.coffer.control.replication;

import io.coffer.control.backup.BackupEntry;
import io.coffer.control.backup.BackupManager;
import io.coffer.control.backup.BackupRestores;
import io.coffer.control.backup.PointInTime;
import io.coffer.control.broker.Broker;
import io.coffer.control.keys.DerivedPasswords;
import io.coffer.control.registry.AgentRegistry;
import io.coffer.control.workflow.Workflow;
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
import io.coffer.proto.v1.ReplicationStatus;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * The steps replication workflows are made of, each one command on one agent (or a backup and a
 * restore), sent with a command id derived from the workflow and step, so a step repeated after a
 * control restart joins its journaled command. Used by the workflows a person starts ({@link
 * ReplicationManager}) and by the automatic ones ({@code io.coffer.control.ha}).
 */
public final class ReplicationSteps {
  /** The replication account on every source; reserved by the plugins. */
  static final String REPLICATION_USER = "coffer_repl";

  public static final Duration STEP_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration CATCH_UP = Duration.ofSeconds(60);

  private final Broker broker;
  private final AgentRegistry registry;
  private final BackupManager backups;
  private final Topology topology;
  private final DerivedPasswords passwords;
  private final Duration jobTimeout;

  public ReplicationSteps(
      Broker broker,
      AgentRegistry registry,
      BackupManager backups,
      Topology topology,
      DerivedPasswords passwords,
      Duration jobTimeout) {
    this.broker = broker;
    this.registry = registry;
    this.backups = backups;
    this.topology = topology;
    this.passwords = passwords;
    this.jobTimeout = jobTimeout;
  }

  public Topology topology() {
    return topology;
  }

  public Duration jobTimeout() {
    return jobTimeout;
  }

  /**
   * The replication account on {@code source}; with {@code synchronous}, commits wait for a
   * replica.
   */
  public Mono<Map<String, String>> prepareSource(Workflow w, String source, boolean synchronous) {
    Operation op =
        Operation.newBuilder()
            .setPrepareReplicationSource(
                PrepareReplicationSource.newBuilder()
                    .setUser(REPLICATION_USER)
                    .setPassword(passwords.replication(source))
                    .setSynchronous(synchronous))
            .build();
    return call(w, source, "prepare_replication_source", op, STEP_TIMEOUT).thenReturn(Map.of());
  }

  /** A full backup of the workflow's source, awaited; produces {@code backup_id}. */
  public Mono<Map<String, String>> backupSource(Workflow w) {
    return backups
        .create(
            w.param("source"),
            BackupType.BACKUP_TYPE_FULL,
            "",
            WorkflowRunner.commandId(w, ""),
            BackupEntry.ORIGIN_WORKFLOW)
        .flatMap(b -> backups.awaitEnd(b.backupId(), jobTimeout))
        .flatMap(
            b ->
                b.state() == BackupState.BACKUP_STATE_COMPLETED
                    ? Mono.just(Map.of("backup_id", b.backupId()))
                    : Mono.error(
                        new IllegalStateException(
                            "backup " + b.backupId() + " failed: " + b.error())));
  }

  public Mono<Map<String, String>> restoreOnReplica(Workflow w) {
    return backups
        .restores()
        .restore(
            w.param("backup_id"),
            w.param("replica"),
            WorkflowRunner.commandId(w, ""),
            BackupRestores.Mode.AS_REPLICA,
            PointInTime.NONE,
            jobTimeout)
        .thenReturn(Map.of());
  }

  public Mono<Map<String, String>> reseedReplica(Workflow w) {
    return backups
        .restores()
        .restore(
            w.param("backup_id"),
            w.param("replica"),
            WorkflowRunner.commandId(w, ""),
            BackupRestores.Mode.RESEED,
            PointInTime.NONE,
            jobTimeout)
        .thenReturn(Map.of());
  }

  /**
   * {@code replica} follows {@code source} from {@code positions} (or where it stands, when empty).
   */
  public Mono<Map<String, String>> attach(
      Workflow w,
      String replica,
      String source,
      boolean synchronous,
      Mono<Map<String, String>> positions,
      Duration timeout) {
    return positions
        .flatMap(
            pos -> {
              InstanceStatus s = registry.require(source);
              Operation op =
                  Operation.newBuilder()
                      .setAttachReplica(
                          AttachReplica.newBuilder()
                              .setSourceHost(s.getDatastore().getHost())
                              .setSourcePort(s.getDatastore().getPort())
                              .setUser(REPLICATION_USER)
                              .setPassword(passwords.replication(source))
                              .putAllPositions(pos)
                              .setSemiSync(synchronous))
                      .build();
              return call(w, replica, "attach_replica", op, timeout);
            })
        .thenReturn(Map.of());
  }

  /**
   * Each follower follows {@code newSource}, keeping whether it replicates synchronously, one at a
   * time.
   */
  public Mono<Map<String, String>> attachAll(
      Workflow w, String newSource, List<String> followers, Duration timeout) {
    return Flux.fromIterable(followers)
        .concatMap(
            f -> attach(w, f, newSource, topology.synchronous(f), Mono.just(Map.of()), timeout))
        .then(Mono.just(Map.of()));
  }

  /** Read-only from now on; produces {@code fenced_position}, the last committed transaction. */
  public Mono<Map<String, String>> fence(Workflow w, String instance, Duration timeout) {
    Operation op = Operation.newBuilder().setFenceSource(FenceSource.getDefaultInstance()).build();
    return call(w, instance, "fence_source", op, timeout)
        .map(r -> Map.of("fenced_position", r.getPosition().getPosition()));
  }

  /** The replica has applied everything up to {@code fenced_position}. */
  public Mono<Map<String, String>> catchUp(Workflow w) {
    Operation op =
        Operation.newBuilder()
            .setAwaitReplicaPosition(
                AwaitReplicaPosition.newBuilder()
                    .setPosition(w.param("fenced_position"))
                    .setTimeoutMillis((int) CATCH_UP.toMillis()))
            .build();
    return broker
        .dispatch(
            w.param("replica"),
            WorkflowRunner.commandId(w, "await"),
            "await_replica_position",
            true,
            op,
            CATCH_UP.plusSeconds(10))
        .thenReturn(Map.of());
  }

  public Mono<Map<String, String>> promote(Workflow w, String instance) {
    Operation op =
        Operation.newBuilder().setPromoteReplica(PromoteReplica.getDefaultInstance()).build();
    return call(w, instance, "promote_replica", op, STEP_TIMEOUT).thenReturn(Map.of());
  }

  /** Where each of {@code instances} stands, of those that answer within {@code timeout}. */
  public Mono<Map<String, ReplicationStatus>> statuses(
      Workflow w, List<String> instances, Duration timeout) {
    Operation op =
        Operation.newBuilder()
            .setGetReplicationStatus(GetReplicationStatus.getDefaultInstance())
            .build();
    return Flux.fromIterable(instances)
        .flatMap(
            r ->
                broker
                    .dispatch(
                        r,
                        WorkflowRunner.commandId(w, r),
                        "get_replication_status",
                        true,
                        op,
                        timeout)
                    .map(result -> Map.entry(r, result.getReplication()))
                    .onErrorResume(e -> Mono.empty()))
        .collectList()
        .map(
            list -> {
              Map<String, ReplicationStatus> out = new LinkedHashMap<>();
              list.forEach(e -> out.put(e.getKey(), e.getValue()));
              return out;
            });
  }

  /**
   * Waits until {@code replica} replicates (both sides run and it receives from its source), asking
   * every second for at most {@code timeout}; fails with the engine's error when it does not (a
   * former primary that diverged: MariaDB's IO thread stops on a GTID its new source lacks).
   */
  public Mono<Map<String, String>> awaitReplicating(Workflow w, String replica, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    AtomicLong failingSince = new AtomicLong();
    return Mono.defer(() -> statuses(w, List.of(replica), Duration.ofSeconds(5)))
        .flatMap(
            views -> {
              ReplicationStatus s = views.get(replica);
              if (s != null && s.getRunning() && s.getSourceConnected()) {
                return Mono.just(Map.<String, String>of());
              }
              boolean failing = s != null && !s.getLastError().isEmpty();
              long now = System.nanoTime();
              if (!failing) {
                failingSince.set(0);
              } else if (failingSince.get() == 0) {
                failingSince.set(now);
              }
              String why =
                  s == null
                      ? "it does not answer"
                      : failing ? s.getLastError() : "it does not replicate yet";
              // an error that lasts 10 s is the engine's verdict, not a start-up
              boolean verdict = failing && now - failingSince.get() >= ERROR_VERDICT.toNanos();
              return Mono.error(
                  new ReplicationNotRunning(replica + " does not replicate: " + why, verdict));
            })
        .retryWhen(
            Retry.fixedDelay(Long.MAX_VALUE, Duration.ofSeconds(1))
                .filter(
                    e ->
                        e instanceof ReplicationNotRunning r
                            && !r.verdict
                            && System.nanoTime() < end));
  }

  private static final Duration ERROR_VERDICT = Duration.ofSeconds(10);

  /**
   * A replica that does not replicate, with why; a verdict when its engine keeps reporting an
   * error.
   */
  static final class ReplicationNotRunning extends RuntimeException {
    final boolean verdict;

    ReplicationNotRunning(String message, boolean verdict) {
      super(message);
      this.verdict = verdict;
    }
  }

  /** The positions a backup's manifest recorded. */
  public Mono<Map<String, String>> positionsOf(String backupId) {
    return backups
        .get(backupId)
        .map(
            b ->
                b.filter(e -> e.manifest() != null)
                    .map(e -> e.manifest().getPositionsMap())
                    .orElseThrow(
                        () ->
                            new IllegalStateException("backup " + backupId + " has no manifest")));
  }

  /** A change of the topology, off the reactive threads. */
  public Mono<Map<String, String>> record(Runnable change) {
    return Mono.fromRunnable(change).subscribeOn(Schedulers.boundedElastic()).thenReturn(Map.of());
  }

  private Mono<OperationResult> call(
      Workflow w, String instance, String kind, Operation op, Duration timeout) {
    return broker.dispatch(
        instance, WorkflowRunner.commandId(w, instance), kind, false, op, timeout);
  }
}
