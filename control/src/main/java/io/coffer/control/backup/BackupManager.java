package io.coffer.control.backup;

import com.google.rpc.Code;
import io.coffer.control.broker.Broker;
import io.coffer.control.events.EventKind;
import io.coffer.control.events.Events;
import io.coffer.control.registry.AgentRegistry;
import io.coffer.control.status.ApiErrors;
import io.coffer.proto.v1.BackupState;
import io.coffer.proto.v1.BackupType;
import io.coffer.proto.v1.CreateBackup;
import io.coffer.proto.v1.Health;
import io.coffer.proto.v1.InstanceState;
import io.coffer.proto.v1.InstanceStatus;
import io.coffer.proto.v1.Operation;
import io.coffer.proto.v1.Result;
import io.coffer.proto.v1.Role;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The control's side of backups: validates requests against the catalog, sends the commands through
 * the {@link Broker} (journaled, re-sent on reconnect, run once), and keeps the catalog in step
 * with their results, whoever waits for them: results are taken from the broker's completion
 * events, so a backup started before a control restart is still recorded when it ends.
 *
 * <p>Errors are gRPC statuses: NOT_FOUND, INVALID_ARGUMENT (with the field in the message),
 * FAILED_PRECONDITION, UNIMPLEMENTED.
 */
public final class BackupManager implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BackupManager.class);
  static final String CREATE = "create_backup";
  static final String DELETE = "delete_backup";
  static final String RESTORE = "restore_backup";
  static final String DELETE_PREFIX = "delete:";

  private final BackupCatalog catalog;
  private final MasterKeyStore keys;
  private final ArchiveKeyStore archiveKeys;
  private final Broker broker;
  private final AgentRegistry registry;
  private final Clock clock;
  private volatile Events events;

  /** How long a backup or restore may wait for its agent before it must have started. */
  private final Duration jobTimeout;

  private final Scheduler blocking = Schedulers.boundedElastic();
  private final BackupRestores restores;
  private final BackupDeletion deletion;
  private final BackupSchedules schedules;
  private final SecureRandom random = new SecureRandom();

  /** The replicas of an instance (the replication topology); none until replication says so. */
  private volatile Function<String, List<String>> replicasOf = id -> List.of();

  /** A replica this far behind or more does not take its primary's backups. */
  static final double CAUGHT_UP_SECONDS = 5;

  public BackupManager(
      BackupCatalog catalog,
      MasterKeyStore keys,
      ArchiveKeyStore archiveKeys,
      Broker broker,
      AgentRegistry registry,
      Clock clock,
      Duration jobTimeout) {
    this.archiveKeys = archiveKeys;
    this.catalog = catalog;
    this.keys = keys;
    this.broker = broker;
    this.registry = registry;
    this.clock = clock;
    this.jobTimeout = jobTimeout;
    this.restores = new BackupRestores(catalog, keys, archiveKeys, broker, registry, blocking);
    this.deletion = new BackupDeletion(catalog, broker, blocking);
    this.schedules = new BackupSchedules(catalog, registry, deletion, clock, jobTimeout, blocking);
  }

  /**
   * Full and logical backups asked of an instance with replicas are then taken on a healthy,
   * caught-up one (see {@link #hostFor}); {@code replicasOf} gives the replicas of an instance.
   */
  public void takeBackupsOnReplicas(Function<String, List<String>> replicasOf) {
    this.replicasOf = replicasOf;
  }

  /**
   * Where a backup of {@code instance} runs, as managed services do to spare the primary: an
   * incremental backup where its parent was taken (its LSNs are that server's); a workflow's backup
   * (e.g. seeding a replica) on the instance itself; otherwise the connected, healthy replica with
   * the least replication lag, at most {@link #CAUGHT_UP_SECONDS}, or the instance itself when none
   * is.
   */
  private String hostFor(InstanceStatus instance, BackupType type, String parent, String origin) {
    if (type == BackupType.BACKUP_TYPE_INCREMENTAL) {
      return catalog.get(parent).map(BackupEntry::takenOn).orElse(instance.getInstanceId());
    }
    if (BackupEntry.ORIGIN_WORKFLOW.equals(origin)) {
      return instance.getInstanceId();
    }
    String best = instance.getInstanceId();
    double bestLag = CAUGHT_UP_SECONDS;
    for (String replica : replicasOf.apply(instance.getInstanceId())) {
      Optional<InstanceStatus> s = registry.status(replica);
      if (s.isEmpty()
          || s.get().getState() != InstanceState.INSTANCE_STATE_CONNECTED
          || s.get().getHealth() != Health.HEALTH_HEALTHY
          || s.get().getRole() != Role.ROLE_REPLICA
          || s.get().getMetricsOrDefault("replication_running", 0) != 1.0) {
        continue;
      }
      double lag = s.get().getMetricsOrDefault("replication_lag_seconds", Double.MAX_VALUE);
      if (lag <= bestLag) {
        best = replica;
        bestLag = lag;
      }
    }
    return best;
  }

  /** Subscribes to command results and settles what a previous control left pending. */
  public void start() {
    broker.addCompletionListener(this::onCompleted);
    Mono.fromRunnable(this::reconcile)
        .subscribeOn(blocking)
        .subscribe(null, e -> log.error("cannot reconcile the backup catalog", e));
  }

  // ---- create ----

  /**
   * Starts a backup; returns once it is in the catalog (PENDING) and its command is on its way.
   *
   * @param parentId for INCREMENTAL: the parent, or "" for the instance's newest full or
   *     incremental
   */
  public Mono<BackupEntry> create(
      String instanceId, BackupType type, String parentId, String commandId, String origin) {
    return Mono.fromCallable(
            () -> {
              Optional<BackupEntry> existing = catalog.byCommand(commandId);
              if (existing.isPresent()) {
                BackupEntry first = existing.get();
                boolean sameRequest =
                    first.instanceId().equals(instanceId)
                        && first.type() == type
                        && (parentId.isEmpty() || parentId.equals(first.parentId()));
                if (!sameRequest) {
                  throw Broker.reused(
                      commandId,
                      first
                              .type()
                              .name()
                              .substring("BACKUP_TYPE_".length())
                              .toLowerCase(Locale.ROOT)
                          + " backup "
                          + first.backupId()
                          + " of instance "
                          + first.instanceId());
                }
                return first; // a retry: the same backup
              }
              InstanceStatus instance = registry.require(instanceId);
              requireCapability(instance, CREATE);
              String parent =
                  type == BackupType.BACKUP_TYPE_INCREMENTAL ? parentFor(instance, parentId) : "";
              if (type != BackupType.BACKUP_TYPE_INCREMENTAL && !parentId.isEmpty()) {
                throw invalid("parent_id", "is only allowed for an incremental backup");
              }
              BackupEntry entry =
                  catalog.insertIfAbsent(
                      new BackupEntry(
                          newBackupId(),
                          instanceId,
                          type,
                          parent,
                          BackupState.BACKUP_STATE_PENDING,
                          commandId,
                          origin,
                          clock.instant(),
                          null,
                          null,
                          "",
                          hostFor(instance, type, parent, origin)));
              if (!entry.takenOn().equals(instanceId)) {
                log.info(
                    "backup {} of {} is taken on its replica {}",
                    entry.backupId(),
                    instanceId,
                    entry.takenOn());
              }
              send(entry);
              return entry;
            })
        .subscribeOn(blocking);
  }

  private String parentFor(InstanceStatus instance, String parentId) {
    if (parentId.isEmpty()) {
      return catalog.list(instance.getInstanceId()).stream()
          .filter(
              b ->
                  b.state() == BackupState.BACKUP_STATE_COMPLETED
                      && b.type() != BackupType.BACKUP_TYPE_LOGICAL)
          .findFirst()
          .orElseThrow(
              () ->
                  Status.FAILED_PRECONDITION
                      .withDescription(
                          "instance "
                              + instance.getInstanceId()
                              + " has no COMPLETED full or incremental backup to build an incremental backup on; take a full backup first")
                      .asRuntimeException())
          .backupId();
    }
    BackupEntry parent =
        catalog
            .get(parentId)
            .orElseThrow(
                () ->
                    Status.NOT_FOUND
                        .withDescription("parent_id: no backup '" + parentId + "'")
                        .asRuntimeException());
    if (!parent.instanceId().equals(instance.getInstanceId())) {
      throw invalid(
          "parent_id",
          "backup "
              + parentId
              + " belongs to instance "
              + parent.instanceId()
              + "; an incremental backup builds on a backup of the same instance");
    }
    if (parent.state() != BackupState.BACKUP_STATE_COMPLETED) {
      throw Status.FAILED_PRECONDITION
          .withDescription(
              "parent_id: backup "
                  + parentId
                  + " is "
                  + stateName(parent.state())
                  + ", not COMPLETED")
          .asRuntimeException();
    }
    if (parent.type() == BackupType.BACKUP_TYPE_LOGICAL) {
      throw invalid(
          "parent_id",
          "backup "
              + parentId
              + " is logical; an incremental backup needs a full or incremental parent");
    }
    String engine = instance.getDatastore().getEngine();
    if (parent.manifest() != null && !parent.manifest().getEngine().equals(engine)) {
      throw invalid(
          "parent_id",
          "backup "
              + parentId
              + " is a "
              + parent.manifest().getEngine()
              + " backup; instance "
              + instance.getInstanceId()
              + " runs "
              + engine);
    }
    return parentId;
  }

  /** Sends the backup's command; the outcome arrives through {@link #onCompleted}. */
  private void send(BackupEntry entry) {
    Operation op =
        Operation.newBuilder()
            .setCreateBackup(
                CreateBackup.newBuilder()
                    .setBackupId(entry.backupId())
                    .setType(entry.type())
                    .setParentId(entry.parentId())
                    .setKey(keys.wrappingKey()))
            .build();
    broker
        .dispatch(entry.takenOn(), entry.commandId(), CREATE, false, op, jobTimeout)
        .subscribe(ok -> {}, e -> notSent(entry, e));
  }

  /** A dispatch error: if the command never got journaled, the backup never started. */
  private void notSent(BackupEntry entry, Throwable e) {
    broker
        .find(entry.commandId())
        .subscribe(
            stored -> {
              if (stored.isEmpty()) {
                catalog.update(
                    entry.failed(
                        "not sent to the agent: " + Status.fromThrowable(e).getDescription(),
                        clock.instant()));
              }
              // journaled: it completes when the agent answers, whenever that is
            },
            err -> log.error("cannot check command {}", entry.commandId(), err));
  }

  // ---- restore ----

  /** Restores: checked against the catalog and the target instance, then sent to its agent. */
  public BackupRestores restores() {
    return restores;
  }

  // ---- delete ----

  /**
   * Deletes a backup (and with {@code cascade} everything that depends on it, dependents first),
   * from storage and then from the catalog.
   *
   * @return the ids deleted
   */
  public Mono<List<String>> delete(String backupId, boolean cascade, Duration timeout) {
    return deletion.delete(backupId, cascade, timeout);
  }

  // ---- results ----

  private void onCompleted(String instanceId, String operation, Result result) {
    String commandId = result.getCommandId();
    boolean ok = result.getStatus().getCode() == 0;
    switch (operation) {
      case CREATE ->
          catalog
              .byCommand(commandId)
              .ifPresent(
                  entry -> {
                    if (entry.state() != BackupState.BACKUP_STATE_PENDING) {
                      return;
                    }
                    if (ok && result.getPayload().hasBackup()) {
                      catalog.update(
                          entry.completed(result.getPayload().getBackup(), clock.instant()));
                      log.info("backup {} of {} COMPLETED", entry.backupId(), entry.instanceId());
                      publish(
                          EventKind.BACKUP_COMPLETED,
                          entry,
                          "backup " + entry.backupId() + " completed",
                          Map.of(
                              "stored_bytes",
                              Long.toString(result.getPayload().getBackup().getStoredBytes())));
                      applyRetention(
                          entry.instanceId()); // the owner's policy, wherever the backup ran
                    } else {
                      String message =
                          result.getStatus().getCode() == Code.ABORTED_VALUE
                              // the restarted agent removed what it had stored (its sweep), so say
                              // so plainly
                              ? "interrupted: the agent restarted while the backup ran; nothing of it was kept"
                              : result.getStatus().getMessage();
                      catalog.update(entry.failed(message, clock.instant()));
                      log.warn(
                          "backup {} of {} FAILED: {}",
                          entry.backupId(),
                          entry.instanceId(),
                          result.getStatus().getMessage());
                      publish(
                          EventKind.BACKUP_FAILED,
                          entry,
                          "backup " + entry.backupId() + " failed: " + message,
                          Map.of());
                    }
                  });
      case DELETE -> {
        if (!commandId.startsWith(DELETE_PREFIX)) {
          return;
        }
        String backupId = commandId.substring(DELETE_PREFIX.length(), commandId.lastIndexOf(':'));
        catalog
            .get(backupId)
            .ifPresent(
                entry -> {
                  if (ok) {
                    catalog.delete(backupId);
                    log.info("backup {} deleted", backupId);
                  } else if (entry.state() == BackupState.BACKUP_STATE_DELETING) {
                    // storage refused: it is still there and still restorable
                    catalog.update(
                        new BackupEntry(
                            entry.backupId(),
                            entry.instanceId(),
                            entry.type(),
                            entry.parentId(),
                            BackupState.BACKUP_STATE_COMPLETED,
                            entry.commandId(),
                            entry.origin(),
                            entry.created(),
                            entry.finished(),
                            entry.manifest(),
                            "",
                            entry.takenOn()));
                    log.warn(
                        "backup {} could not be deleted: {}",
                        backupId,
                        result.getStatus().getMessage());
                  }
                });
      }
      default -> {}
    }
  }

  /** Backup outcomes are published as events from now on. */
  public void publishTo(Events events) {
    this.events = events;
  }

  private void publish(
      EventKind kind, BackupEntry entry, String message, Map<String, String> details) {
    Events to = events;
    if (to != null) {
      Map<String, String> all = new HashMap<>(details);
      all.put("backup_id", entry.backupId());
      all.put(
          "type", entry.type().name().substring("BACKUP_TYPE_".length()).toLowerCase(Locale.ROOT));
      all.put("taken_on_instance_id", entry.takenOn());
      to.publish(kind, entry.instanceId(), message, all);
    }
  }

  /**
   * After a restart: backups whose command ended while no control listened, and deletes to finish.
   */
  private void reconcile() {
    for (BackupEntry entry : catalog.inState(BackupState.BACKUP_STATE_PENDING)) {
      broker
          .find(entry.commandId())
          .blockOptional()
          .flatMap(c -> c)
          .ifPresentOrElse(
              stored -> {
                if (stored.result().isPresent()) {
                  onCompleted(entry.instanceId(), CREATE, stored.result().get());
                }
                // still pending: the broker re-sends it when the agent connects; its result lands
                // in onCompleted
              },
              () ->
                  catalog.update(
                      entry.failed("its command was lost (past retention)", clock.instant())));
    }
    for (BackupEntry entry : catalog.inState(BackupState.BACKUP_STATE_DELETING)) {
      deletion
          .deleteOne(entry, jobTimeout)
          .subscribe(
              null,
              e -> log.warn("backup {} still to be deleted: {}", entry.backupId(), e.getMessage()));
    }
    catalog.schedules().forEach(s -> applyRetention(s.schedule().getInstanceId()));
  }

  // ---- schedules and retention ----

  /** Backup schedules and their retention policies. */
  public BackupSchedules schedules() {
    return schedules;
  }

  void applyRetention(String instanceId) {
    schedules.applyRetention(instanceId);
  }

  /**
   * Polls the catalog until the backup has ended (COMPLETED or FAILED), at most {@code timeout}.
   */
  public Mono<BackupEntry> awaitEnd(String backupId, Duration timeout) {
    return Mono.fromCallable(
            () ->
                catalog
                    .get(backupId)
                    .orElseThrow(
                        () ->
                            Status.NOT_FOUND
                                .withDescription("no backup '" + backupId + "'")
                                .asRuntimeException()))
        .subscribeOn(blocking)
        .flatMap(
            b ->
                b.state() == BackupState.BACKUP_STATE_PENDING
                    ? Mono.<BackupEntry>empty()
                    : Mono.just(b))
        .repeatWhenEmpty(attempts -> attempts.delayElements(Duration.ofMillis(250)))
        .timeout(
            timeout,
            Mono.error(
                () ->
                    Status.DEADLINE_EXCEEDED
                        .withDescription("backup " + backupId + " did not end within " + timeout)
                        .asRuntimeException()));
  }

  // ---- queries ----

  public Mono<Optional<BackupEntry>> get(String backupId) {
    return Mono.fromCallable(() -> catalog.get(backupId)).subscribeOn(blocking);
  }

  public Mono<List<BackupEntry>> list(String instanceId) {
    return Mono.fromCallable(() -> catalog.list(instanceId)).subscribeOn(blocking);
  }

  /**
   * The newest COMPLETED full or incremental backup of an instance (for scheduled incrementals).
   */
  Optional<BackupEntry> newestPhysical(String instanceId) {
    return catalog.list(instanceId).stream()
        .filter(
            b ->
                b.state() == BackupState.BACKUP_STATE_COMPLETED
                    && b.type() != BackupType.BACKUP_TYPE_LOGICAL)
        .findFirst();
  }

  BackupCatalog catalog() {
    return catalog;
  }

  /**
   * The newest COMPLETED full or incremental backup of {@code instanceId} that names a log archive
   * and whose engine finished it before {@code before}: where a point-in-time restore starts.
   */
  public Optional<String> newestForPointInTime(String instanceId, Instant before) {
    return catalog.list(instanceId).stream()
        .filter(b -> b.state() == BackupState.BACKUP_STATE_COMPLETED && b.manifest() != null)
        .filter(b -> b.type() != BackupType.BACKUP_TYPE_LOGICAL)
        .filter(b -> b.manifest().getPositionsMap().containsKey("log_archive"))
        .filter(
            b ->
                Instant.ofEpochSecond(
                        b.manifest().getFinishedAt().getSeconds(),
                        b.manifest().getFinishedAt().getNanos())
                    .isBefore(before))
        .map(BackupEntry::backupId)
        .findFirst(); // the catalog lists an instance's backups newest first
  }

  private BackupEntry completed(String field, String backupId) {
    return completed(catalog, field, backupId);
  }

  /** A COMPLETED backup of the catalog, or NOT_FOUND / FAILED_PRECONDITION naming {@code field}. */
  static BackupEntry completed(BackupCatalog catalog, String field, String backupId) {
    BackupEntry b =
        catalog
            .get(backupId)
            .orElseThrow(
                () ->
                    Status.NOT_FOUND
                        .withDescription(field + ": no backup '" + backupId + "'")
                        .asRuntimeException());
    if (b.state() != BackupState.BACKUP_STATE_COMPLETED || b.manifest() == null) {
      throw Status.FAILED_PRECONDITION
          .withDescription("backup " + backupId + " is " + stateName(b.state()) + ", not COMPLETED")
          .asRuntimeException();
    }
    return b;
  }

  static void requireCapability(InstanceStatus instance, String operation) {
    if (!instance.getCapabilitiesList().contains(operation)) {
      throw Status.UNIMPLEMENTED
          .withDescription(
              "instance "
                  + instance.getInstanceId()
                  + " ("
                  + instance.getDatastore().getEngine()
                  + ") does not support "
                  + operation)
          .asRuntimeException();
    }
  }

  private String newBackupId() {
    byte[] bytes = new byte[6];
    random.nextBytes(bytes);
    return "bk-" + HexFormat.of().formatHex(bytes);
  }

  static String stateName(BackupState s) {
    return s.name().substring("BACKUP_STATE_".length());
  }

  /** INVALID_ARGUMENT naming the field, with the details the northbound API always attaches. */
  static StatusRuntimeException invalid(String field, String problem) {
    return ApiErrors.invalidArgument(field, problem);
  }

  @Override
  public void close() {
    // the catalog is closed by its owner
  }
}
