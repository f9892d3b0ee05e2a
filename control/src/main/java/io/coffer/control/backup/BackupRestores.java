package io.coffer.control.backup;

import io.coffer.control.broker.Broker;
import io.coffer.control.registry.AgentRegistry;
import io.coffer.proto.v1.InstanceStatus;
import io.coffer.proto.v1.Operation;
import io.coffer.proto.v1.RestoreBackup;
import java.time.Duration;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The control's side of restores: checks a restore against the catalog (a COMPLETED backup of the
 * same engine) and the target instance, and sends its command through the {@link Broker}.
 */
public final class BackupRestores {
  /** What the restored instance becomes. */
  public enum Mode {
    /** An empty instance, standing alone. */
    INTO_EMPTY,
    /** An empty instance, attached as a replica right after. */
    AS_REPLICA,
    /** A replica whose data is replaced (the repair workflow). */
    RESEED
  }

  private final BackupCatalog catalog;
  private final MasterKeyStore keys;
  private final ArchiveKeyStore archiveKeys;
  private final Broker broker;
  private final AgentRegistry registry;
  private final Scheduler blocking;

  BackupRestores(
      BackupCatalog catalog,
      MasterKeyStore keys,
      ArchiveKeyStore archiveKeys,
      Broker broker,
      AgentRegistry registry,
      Scheduler blocking) {
    this.catalog = catalog;
    this.keys = keys;
    this.archiveKeys = archiveKeys;
    this.broker = broker;
    this.registry = registry;
    this.blocking = blocking;
  }

  /**
   * Restores {@code backupId} into {@code instanceId}: with {@link Mode#AS_REPLICA} for an instance
   * attached as a replica right after (RestoreBackup.as_replica), with {@link Mode#RESEED}
   * replacing a broken replica's data (RestoreBackup.reseed_replica; the agent refuses unless it is
   * a replica). With a {@code pointInTime} target the agent then replays the archived log after the
   * backup up to it, reading it with the private archive key, which is sent for this restore only.
   *
   * @return the command id, once the command is dispatched (at most {@code timeout})
   */
  public Mono<String> restore(
      String backupId,
      String instanceId,
      String commandId,
      Mode mode,
      PointInTime pointInTime,
      Duration timeout) {
    boolean asReplica = mode != Mode.INTO_EMPTY;
    boolean reseed = mode == Mode.RESEED;
    return Mono.fromCallable(
            () -> {
              BackupEntry backup = BackupManager.completed(catalog, "backup_id", backupId);
              InstanceStatus target = registry.require(instanceId);
              BackupManager.requireCapability(target, BackupManager.RESTORE);
              String engine = target.getDatastore().getEngine();
              if (!backup.manifest().getEngine().equals(engine)) {
                throw BackupManager.invalid(
                    "instance_id",
                    "instance "
                        + instanceId
                        + " runs "
                        + engine
                        + "; backup "
                        + backupId
                        + " is a "
                        + backup.manifest().getEngine()
                        + " backup");
              }
              RestoreBackup.Builder restore =
                  RestoreBackup.newBuilder()
                      .setBackupId(backupId)
                      .setKey(keys.wrappingKey())
                      .setAsReplica(asReplica)
                      .setReseedReplica(reseed);
              if (pointInTime.any()) {
                restore
                    .setToEndOfArchive(pointInTime.endOfArchive())
                    .setTargetLsn(pointInTime.lsn())
                    .setTargetName(pointInTime.name())
                    .setTargetGtid(pointInTime.gtid())
                    .setArchiveKey(archiveKeys.privateKey());
                if (pointInTime.time() != null) {
                  restore.setTargetTime(pointInTime.time());
                }
              }
              return Operation.newBuilder().setRestoreBackup(restore).build();
            })
        .subscribeOn(blocking)
        .flatMap(
            op -> broker.dispatch(instanceId, commandId, BackupManager.RESTORE, false, op, timeout))
        .thenReturn(commandId);
  }
}
