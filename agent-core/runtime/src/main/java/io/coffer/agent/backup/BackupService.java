package io.coffer.agent.backup;

import io.coffer.agent.archive.ArchiveKeys;
import io.coffer.agent.archive.LogArchiver;
import io.coffer.agent.archive.LogFetch;
import io.coffer.agent.archive.LogRetention;
import io.coffer.agent.storage.BackupIntegrityException;
import io.coffer.agent.storage.BackupStorage;
import io.coffer.spi.Capability;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.DatastoreManager;
import io.coffer.spi.Probe;
import io.coffer.spi.backup.BackupManifest;
import io.coffer.spi.backup.BackupRequest;
import io.coffer.spi.backup.BackupSource;
import io.coffer.spi.backup.BackupType;
import io.coffer.spi.backup.LogArchiving;
import io.coffer.spi.backup.RecoveryTarget;
import io.coffer.spi.backup.RestoreRequest;
import io.coffer.spi.backup.RestoreSession;
import io.coffer.spi.backup.ServerControl;
import io.coffer.spi.replication.ReplicationStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backup, restore and delete for one instance: joins the plugin's {@link
 * io.coffer.spi.backup.BackupStrategy} (engine bytes) to the pipeline (compression, encryption,
 * checksum, storage). Validates every request before anything runs and answers with {@link
 * DatastoreException}s naming the field at fault. Blocking; the command executor runs it on the
 * mutation lane, one job at a time.
 *
 * <p>Crash safety: a backup is marked in progress in the agent's state directory ({@link WorkArea})
 * before its first object is written; {@link #sweep} (at agent start) removes what a killed agent
 * left of such backups, so they end FAILED with nothing left in storage.
 */
public final class BackupService {
  private static final Logger log = LoggerFactory.getLogger(BackupService.class);

  /** Backup ids are storage key segments and appear in file names: keep them plain. */
  private static final Pattern BACKUP_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

  /**
   * A chain longer than this is a loop or a mistake: one full and hundreds of incrementals at most.
   */
  private static final int MAX_CHAIN = 1000;

  private final BackupStorage storage;
  private final DatastoreManager manager;
  private final ServerControl server;
  private final WorkArea work;
  private final Clock clock;
  private final Compression compression;
  private volatile LogArchiver archiver;

  /**
   * A point-in-time restore's extra input: where to stop, and the archive's private key to read the
   * log with.
   */
  public record PointInTime(RecoveryTarget target, ArchiveKeys.PrivateKey archiveKey) {
    public PointInTime {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(archiveKey, "archiveKey");
    }
  }

  /** With {@link Compression#DEFAULT}. */
  public BackupService(
      BackupStorage storage,
      DatastoreManager manager,
      ServerControl server,
      WorkArea work,
      Clock clock) {
    this(storage, manager, server, work, clock, Compression.DEFAULT);
  }

  public BackupService(
      BackupStorage storage,
      DatastoreManager manager,
      ServerControl server,
      WorkArea work,
      Clock clock,
      Compression compression) {
    this.compression = Objects.requireNonNull(compression, "compression");
    this.storage = Objects.requireNonNull(storage, "storage");
    this.manager = Objects.requireNonNull(manager, "manager");
    this.server = Objects.requireNonNull(server, "server");
    this.work = Objects.requireNonNull(work, "work");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * The instance archives its log through {@code archiver}: backups record its archive ({@link
   * BackupManifest#POSITION_LOG_ARCHIVE}), so they can be restored to a point in time.
   */
  public void archiveWith(LogArchiver archiver) {
    this.archiver = archiver;
  }

  /**
   * Takes a backup and stores it; COMPLETED when this returns.
   *
   * @param parentId required for, and only for, INCREMENTAL
   * @throws DatastoreException INVALID_ARGUMENT (backup_id, type, parent_id, key), ALREADY_EXISTS
   *     (backup_id), NOT_FOUND (parent_id), INTERNAL when the tool or storage fails (nothing left
   *     behind)
   */
  public BackupManifest create(
      String backupId, BackupType type, String parentId, MasterKey key, JobProgress progress) {
    checkId("backup_id", backupId);
    if (type == null) {
      throw DatastoreException.invalidArgument(
          "type", "is required (full, incremental or logical)");
    }
    if (!manager.backup().types().contains(type)) {
      throw DatastoreException.invalidArgument(
          "type", manager.engine() + " cannot take " + type + " backups");
    }
    boolean incremental = type == BackupType.INCREMENTAL;
    if (incremental == (parentId == null || parentId.isEmpty())) {
      throw DatastoreException.invalidArgument(
          "parent_id",
          incremental
              ? "is required for an incremental backup"
              : "is only allowed for an incremental backup");
    }
    Objects.requireNonNull(key, "key");
    BackupManifest parent = null;
    if (incremental) {
      checkId("parent_id", parentId);
      parent = manifest("parent_id", parentId, key);
      if (!parent.engine().equals(manager.engine())) {
        throw DatastoreException.invalidArgument(
            "parent_id",
            "backup " + parentId + " is a " + parent.engine() + " backup, not " + manager.engine());
      }
      if (parent.type() == BackupType.LOGICAL) {
        throw DatastoreException.invalidArgument(
            "parent_id",
            "backup "
                + parentId
                + " is logical; an incremental backup needs a full or incremental parent");
      }
    }
    try {
      if (!storage.list(BackupLayout.prefix(backupId)).isEmpty()) {
        throw DatastoreException.alreadyExists(
            "backup_id", "backup " + backupId + " already exists in storage");
      }
      work.begin(backupId);
    } catch (IOException e) {
      throw DatastoreException.unavailable(
          "backup storage " + storage + " is not usable: " + e.getMessage(), e);
    }
    BackupPipeline pipeline = new BackupPipeline(storage, key, clock, compression);
    try (BackupSource source =
        manager.backup().open(new BackupRequest(backupId, type, parent, work.scratch(backupId)))) {
      LogArchiver archive = archiver;
      BackupJob job =
          new BackupJob(
              backupId,
              manager.engine(),
              manager.serverVersion(),
              source.tool(),
              source.toolVersion(),
              type,
              incremental ? parentId : null,
              () -> positions(finish(source), archive));
      BackupManifest manifest =
          pipeline.write(
              job,
              new CancellableInput(source.stream(), progress::cancelled),
              (raw, stored) -> progress.report(raw, -1));
      log.info(
          "backup {} ({}) completed: {} bytes from {}, {} stored",
          backupId,
          type,
          manifest.rawBytes(),
          source.tool(),
          manifest.storedBytes());
      return manifest;
    } catch (IOException | UncheckedIOException e) {
      IOException io = e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
      if (cancelled(io)) {
        throw new DatastoreException(
            DatastoreException.Code.CANCELLED,
            "",
            "backup "
                + backupId
                + " was cancelled; its tool was stopped and nothing of it was kept",
            io);
      }
      throw DatastoreException.internal(
          "backup " + backupId + " failed and was removed: " + io.getMessage(), io);
    } finally {
      work.end(backupId);
    }
  }

  private static Map<String, String> positions(Map<String, String> engine, LogArchiver archive) {
    if (archive == null) {
      return engine;
    }
    Map<String, String> all = new LinkedHashMap<>(engine);
    all.put(BackupManifest.POSITION_LOG_ARCHIVE, archive.archiveId());
    return all;
  }

  /** The tool must have succeeded before the manifest is written; the pipeline asks after EOF. */
  private static Map<String, String> finish(BackupSource source) {
    try {
      return source.finish();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * How a restore goes beyond the plain case (into an empty instance, to the end of the backup).
   *
   * @param asReplica the instance is attached as a replica next (see {@link
   *     RestoreRequest#asReplica()})
   * @param pointInTime when set, the archived log that follows the backup is replayed up to its
   *     target (a point-in-time restore); downloaded and verified before the instance is changed
   */
  public record RestoreOptions(boolean asReplica, PointInTime pointInTime) {
    /** Into an empty instance, to the end of the backup. */
    public static final RestoreOptions PLAIN = new RestoreOptions(false, null);
  }

  /**
   * Restores {@code backupId} (with its parents) into this instance, which must be empty.
   *
   * @throws DatastoreException INVALID_ARGUMENT (backup_id, key; target_time before the end of the
   *     backup, or after the newest archived log, or combined with as_replica), NOT_FOUND
   *     (backup_id, or a parent in its chain), FAILED_PRECONDITION (instance not empty; a
   *     point-in-time restore of a backup taken without log archiving, or on an engine that
   *     archives no log), DATA_LOSS (a backup of the chain is corrupt or fails authentication: the
   *     instance is untouched), INTERNAL
   */
  public void restore(
      String backupId, MasterKey key, RestoreOptions options, JobProgress progress) {
    restore(backupId, key, options, false, progress);
  }

  /**
   * Re-seeds this instance, a replica whose copy is broken, from {@code backupId}: like a restore
   * as a replica, but its current data is replaced instead of refused (the repair workflow; see
   * {@link RestoreRequest#reseed()}). Checked here, whatever the control believes: only an instance
   * that follows a source now (a replica with a source configured; a fenced PostgreSQL primary is
   * in recovery too, but has none) is overwritten, or one whose own re-seed has not been attached
   * yet ({@link #replicaAttached}), so that a repair whose attach failed can be repeated. Never a
   * primary.
   *
   * @throws DatastoreException FAILED_PRECONDITION (not a replica; the plugin does no replication),
   *     and as {@link #restore(String, MasterKey, RestoreOptions, JobProgress)}
   */
  public void reseed(String backupId, MasterKey key, JobProgress progress) {
    checkId("backup_id", backupId);
    if (!manager.capabilities().contains(Capability.REPLICATION)) {
      throw DatastoreException.failedPrecondition(
          "the "
              + manager.engine()
              + " plugin does no replication,"
              + " so there is no replica to re-seed");
    }
    if (!work.reseedPending()) {
      ReplicationStatus status = manager.replication().status();
      if (status.role() != Probe.Role.REPLICA || status.sourceHost().isEmpty()) {
        throw DatastoreException.failedPrecondition(
            "this instance is a "
                + status.role()
                + (status.role() == Probe.Role.REPLICA ? " with no source" : "")
                + ", not a replica following a source;"
                + " only a replica's data is replaced by a re-seed");
      }
    }
    try {
      work.markReseed();
    } catch (IOException e) {
      throw DatastoreException.internal("cannot record the re-seed in " + e.getMessage(), e);
    }
    restore(backupId, key, new RestoreOptions(true, null), true, progress);
  }

  /**
   * This instance now follows a source, or was promoted: a pending re-seed is over, and only a
   * replica following a source may be re-seeded again.
   */
  public void replicaAttached() {
    try {
      work.clearReseed();
    } catch (IOException e) {
      throw DatastoreException.internal("cannot clear the re-seed marker: " + e.getMessage(), e);
    }
  }

  private void restore(
      String backupId,
      MasterKey key,
      RestoreOptions options,
      boolean reseed,
      JobProgress progress) {
    checkId("backup_id", backupId);
    boolean asReplica = options.asReplica();
    PointInTime pointInTime = options.pointInTime();
    List<BackupManifest> chain = chain(backupId, key);
    LogFetch logs =
        pointInTime == null ? null : planLogs(chain.get(chain.size() - 1), pointInTime, asReplica);
    long total = chain.stream().mapToLong(BackupManifest::rawBytes).sum();
    RestoreJob reader = new RestoreJob(storage, key);
    try {
      work.beginRestore(backupId);
    } catch (IOException e) {
      throw DatastoreException.unavailable(
          "cannot prepare a scratch directory: " + e.getMessage(), e);
    }
    Path scratch = work.scratch(backupId);
    Path logDir = logs == null ? null : scratch.resolve("archived-log");
    try (RestoreSession session =
        manager
            .backup()
            .restore(
                new RestoreRequest(
                    chain,
                    scratch,
                    asReplica,
                    pointInTime == null ? null : pointInTime.target(),
                    logDir,
                    reseed))) {
      long done = 0;
      for (BackupManifest backup : chain) {
        long before = done;
        ProgressListener overall = (raw, stored) -> progress.report(before + raw, total);
        try (InputStream in =
            new CancellableInput(reader.open(backup.backupId(), overall), progress::cancelled)) {
          session.stage(backup, in);
          // only a stream read to its end has been fully authenticated
          if (in.transferTo(OutputStream.nullOutputStream()) > 0) {
            throw DatastoreException.internal(
                "the "
                    + manager.engine()
                    + " plugin did not read backup "
                    + backup.backupId()
                    + " to its end",
                null);
          }
        }
        done += backup.rawBytes();
      }
      if (logs != null) {
        long bytes = logs.into(logDir, pointInTime.archiveKey());
        log.info(
            "fetched {} archived log file(s), {} bytes, to replay up to {}",
            logs.names().size(),
            bytes,
            pointInTime.target().endOfArchive() ? "their end" : pointInTime.target().time());
      }
      if (progress
          .cancelled()) { // last chance: from here on the instance changes, and that is not cut
        // short
        throw new CancellableInput.CancelledException();
      }
      session.install(server);
      log.info("restored backup {} ({} backup(s) in its chain)", backupId, chain.size());
    } catch (IOException | RuntimeException e) {
      throw translate(backupId, e);
    } finally {
      work.endRestore(backupId);
    }
  }

  /**
   * Closes the engine's current log file and waits until it is archived; see {@link
   * LogArchiver#flush}.
   *
   * @throws DatastoreException FAILED_PRECONDITION when this instance archives no log
   */
  public LogArchiver.Archived flushLogArchive(Duration timeout) {
    LogArchiver a = archiver;
    if (a == null) {
      throw DatastoreException.failedPrecondition(
          "this " + manager.engine() + " instance archives no log");
    }
    return a.flush(timeout);
  }

  /** The archive this instance's log goes to, or null. */
  public String archiveId() {
    LogArchiver a = archiver;
    return a == null ? null : a.archiveId();
  }

  /** Checks a point-in-time restore against the backup and the archive, before anything runs. */
  private LogFetch planLogs(BackupManifest base, PointInTime pointInTime, boolean asReplica) {
    if (asReplica) {
      throw DatastoreException.invalidArgument(
          "target_time",
          "a point-in-time restore leaves a primary;" + " it cannot be combined with as_replica");
    }
    LogArchiving archiving =
        manager
            .logArchiving()
            .orElseThrow(
                () ->
                    DatastoreException.failedPrecondition(
                        "the "
                            + manager.engine()
                            + " plugin archives no log, so it cannot restore to a point in time"));
    return LogFetch.forRestore(storage, archiving, base, pointInTime.target());
  }

  /**
   * Removes a backup's objects, manifest first; idempotent.
   *
   * @throws DatastoreException INVALID_ARGUMENT (backup_id), UNAVAILABLE (storage)
   */
  public void delete(String backupId) {
    checkId("backup_id", backupId);
    BackupManifest deleted = null;
    try {
      deleted = RestoreJob.manifest(storage, backupId);
    } catch (IOException e) {
      // not COMPLETED (or unreadable): nothing of an archive depends on it
    }
    try {
      storage.delete(BackupLayout.manifest(backupId)); // from now on it is not COMPLETED
      for (String object : storage.list(BackupLayout.prefix(backupId))) {
        storage.delete(object);
      }
      storage.discardUncommitted(BackupLayout.prefix(backupId));
    } catch (IOException e) {
      throw DatastoreException.unavailable(
          "cannot delete backup " + backupId + " from " + storage + ": " + e.getMessage(), e);
    }
    if (deleted != null) {
      pruneLogArchive(deleted);
    }
  }

  /**
   * After a backup is gone, removes the archived log no remaining backup needs ({@link
   * LogRetention}). A failure only logs: the files stay and the next delete tries again.
   */
  private void pruneLogArchive(BackupManifest deleted) {
    manager
        .logArchiving()
        .ifPresent(
            archiving -> LogRetention.afterDelete(storage, deleted, this::completed, archiving));
  }

  /** The manifests of every COMPLETED backup in the storage. */
  private List<BackupManifest> completed() throws IOException {
    List<BackupManifest> backups = new ArrayList<>();
    for (String key : storage.list("")) {
      if (key.endsWith("/" + BackupLayout.MANIFEST_NAME)
          && key.indexOf('/') == key.lastIndexOf('/')) {
        try {
          backups.add(RestoreJob.manifest(storage, key.substring(0, key.indexOf('/'))));
        } catch (NoSuchFileException gone) {
          // deleted meanwhile
        }
      }
    }
    return backups;
  }

  /**
   * Removes what a killed agent left: the objects of backups it was writing (they never got a
   * manifest, so they were never COMPLETED) and scratch directories.
   *
   * @return ids of the backups whose leftovers were removed
   */
  public List<String> sweep() throws IOException {
    List<String> swept = work.interrupted();
    for (String id : swept) {
      BackupPipeline.discardIncomplete(storage, id);
      work.end(id);
      log.warn(
          "backup {} was interrupted by an agent exit; its partial objects were removed (FAILED)",
          id);
    }
    work.clearScratch();
    return swept;
  }

  /** The chain from the full (or logical) backup to {@code backupId}, full first. */
  private List<BackupManifest> chain(String backupId, MasterKey key) {
    Deque<BackupManifest> chain = new ArrayDeque<>();
    String id = backupId;
    while (true) {
      BackupManifest m = manifest("backup_id", id, key);
      if (!m.engine().equals(manager.engine())) {
        throw DatastoreException.invalidArgument(
            "backup_id",
            "backup "
                + id
                + " is a "
                + m.engine()
                + " backup; this instance runs "
                + manager.engine());
      }
      if (!m.keyId().equals(key.keyId())) {
        throw DatastoreException.invalidArgument(
            "key",
            "backup " + id + " is encrypted under key " + m.keyId() + ", not " + key.keyId());
      }
      chain.addFirst(m);
      if (m.type() != BackupType.INCREMENTAL) {
        return List.copyOf(chain);
      }
      if (chain.size() >= MAX_CHAIN) {
        throw DatastoreException.invalidArgument(
            "backup_id",
            "the chain of backup "
                + backupId
                + " is longer than "
                + MAX_CHAIN
                + " backups (a loop?)");
      }
      id = m.parentId();
    }
  }

  private BackupManifest manifest(String field, String backupId, MasterKey key) {
    try {
      return new RestoreJob(storage, key).manifest(backupId);
    } catch (NoSuchFileException e) {
      throw DatastoreException.notFound(
          field, "backup " + backupId + " does not exist or is not COMPLETED in " + storage);
    } catch (IOException e) {
      throw DatastoreException.unavailable(
          "cannot read backup " + backupId + " from " + storage + ": " + e.getMessage(), e);
    }
  }

  private static boolean cancelled(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CancellableInput.CancelledException) {
        return true;
      }
    }
    return false;
  }

  /** Integrity failures anywhere in the cause chain are DATA_LOSS; plugin errors pass through. */
  private static DatastoreException translate(String backupId, Throwable e) {
    if (cancelled(e)) {
      return new DatastoreException(
          DatastoreException.Code.CANCELLED,
          "",
          "restore of backup " + backupId + " was cancelled before it changed the instance",
          e);
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BackupIntegrityException integrity) {
        return new DatastoreException(
            DatastoreException.Code.DATA_LOSS,
            "backup_id",
            "restore of backup "
                + backupId
                + " refused, the instance was not changed: "
                + integrity.getMessage(),
            e);
      }
    }
    if (e instanceof DatastoreException d) {
      return d;
    }
    return DatastoreException.internal(
        "restore of backup " + backupId + " failed: " + e.getMessage(), e);
  }

  private static void checkId(String field, String id) {
    if (id == null || !BACKUP_ID.matcher(id).matches()) {
      throw DatastoreException.invalidArgument(
          field,
          "'"
              + id
              + "' must be 1-64 characters of a-z, 0-9 and '-',"
              + " starting with a letter or digit");
    }
  }
}
