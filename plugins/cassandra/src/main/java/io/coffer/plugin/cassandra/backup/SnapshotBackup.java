package io.coffer.plugin.cassandra.backup;

import io.coffer.plugin.cassandra.cql.CqlAdmin;
import io.coffer.plugin.cassandra.jmx.NodeJmx;
import io.coffer.plugin.cassandra.keyspaces.Keyspaces;
import io.coffer.plugin.cassandra.roles.Roles;
import io.coffer.plugin.cassandra.server.CassandraSettings;
import io.coffer.spi.Database;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.backup.BackupManifest;
import io.coffer.spi.backup.BackupRequest;
import io.coffer.spi.backup.BackupSource;
import io.coffer.spi.backup.BackupStrategy;
import io.coffer.spi.backup.BackupType;
import io.coffer.spi.backup.RestoreRequest;
import io.coffer.spi.backup.RestoreSession;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Full backups as snapshots, and incremental ones from {@code incremental_backups} (the SSTables
 * flushed since the parent's flush, which Cassandra hard-links under each table's {@code
 * backups/}), (<a
 * href="https://cassandra.apache.org/doc/5.0/cassandra/managing/operating/backups.html">Backups:
 * snapshots</a>): the node flushes its memtables and hard-links its SSTables ({@code nodetool
 * snapshot}), the agent streams the schema and those files as a tar through its pipeline, and
 * clears the snapshot. Only the user keyspaces are backed up; roles are not (a restored instance
 * has its own). A backup is of this node's data: in a multi-node cluster each node backs up its own
 * replicas.
 */
public final class SnapshotBackup implements BackupStrategy {
  private static final Logger log = LoggerFactory.getLogger(SnapshotBackup.class);

  private final CassandraSettings settings;
  private final CqlAdmin cql;
  private final NodeJmx jmx;
  private final Keyspaces keyspaces;
  private final Roles roles;
  private final Supplier<String> version;

  public SnapshotBackup(
      CassandraSettings settings,
      CqlAdmin cql,
      NodeJmx jmx,
      Keyspaces keyspaces,
      Roles roles,
      Supplier<String> version) {
    this.settings = settings;
    this.cql = cql;
    this.jmx = jmx;
    this.keyspaces = keyspaces;
    this.roles = roles;
    this.version = version;
  }

  /**
   * Where a backup's files start, in {@link io.coffer.spi.backup.BackupManifest#positions()}: the
   * time (epoch milliseconds, this host's clock) just before its flush. An incremental backup takes
   * the {@code backups/} SSTables written since its parent's mark.
   */
  static final String MARK = "cassandra_flushed_after_ms";

  @Override
  public Set<BackupType> types() {
    return settings.incrementalBackups()
        ? Set.of(BackupType.FULL, BackupType.INCREMENTAL)
        : Set.of(BackupType.FULL);
  }

  @Override
  public BackupSource open(BackupRequest request) {
    if (!types().contains(request.type())) {
      throw DatastoreException.invalidArgument(
          "type",
          request.type() == BackupType.INCREMENTAL
              ? "incremental backups need the datastore setting incrementalBackups: true"
              : "Cassandra backups are snapshots; " + request.type() + " is not offered");
    }
    long parentMark = request.parent() == null ? 0 : mark(request.parent());
    List<String> names = new ArrayList<>();
    for (Database d : keyspaces.list()) {
      names.add(d.name());
    }
    String tag = "coffer-" + request.backupId();
    boolean full = request.type() == BackupType.FULL;
    long mark = System.currentTimeMillis();
    try {
      List<SnapshotFiles.Entry> files = new ArrayList<>();
      if (full) {
        if (!names.isEmpty()) {
          jmx.takeSnapshot(tag, names);
        }
        for (String ks : names) {
          files.addAll(SnapshotFiles.of(settings.sstableDir(), ks, tag));
        }
      } else {
        for (String ks : names) {
          jmx.flush(ks);
          // the parent completed: what it covers need not stay linked
          SnapshotFiles.prune(settings.sstableDir(), ks, parentMark);
          files.addAll(SnapshotFiles.incremental(settings.sstableDir(), ks, parentMark));
        }
      }
      Schema schema = Schema.describe(cql, names);
      return new SnapshotSource(
          schema.toJson(),
          files,
          version.get(),
          Map.of(MARK, Long.toString(mark)),
          full ? () -> clear(tag) : () -> {});
    } catch (IOException | RuntimeException e) {
      if (full) {
        clear(tag);
      }
      if (e instanceof DatastoreException d) {
        throw d;
      }
      throw DatastoreException.internal("cannot take the backup: " + e.getMessage(), e);
    }
  }

  private static long mark(BackupManifest parent) {
    String mark = parent.positions().get(MARK);
    if (mark == null || !mark.matches("[0-9]{1,19}")) {
      throw DatastoreException.invalidArgument(
          "parent_id", "backup " + parent.backupId() + " records no Cassandra flush mark");
    }
    return Long.parseLong(mark);
  }

  private void clear(String tag) {
    try {
      jmx.clearSnapshot(tag);
    } catch (RuntimeException e) {
      log.warn("could not clear snapshot {}: {}", tag, e.getMessage());
    }
  }

  /**
   * @throws DatastoreException FAILED_PRECONDITION when the instance has keyspaces or users;
   *     INVALID_ARGUMENT (field {@code backup_id}) for a chain that is not one snapshot
   */
  @Override
  public RestoreSession restore(RestoreRequest request) {
    if (request.chain().get(0).type() != BackupType.FULL) {
      throw DatastoreException.invalidArgument(
          "backup_id", "a Cassandra restore starts from a full snapshot");
    }
    if (request.recoveryTarget() != null || request.asReplica()) {
      throw DatastoreException.failedPrecondition(
          "Cassandra restores a snapshot as it is (no point in time, no replica)");
    }
    if (!keyspaces.list().isEmpty() || !roles.list().isEmpty()) {
      throw DatastoreException.failedPrecondition(
          "the instance is not empty (it has keyspaces or users); restore into a fresh instance");
    }
    return new SnapshotRestore(
        settings.dataDir().resolve("coffer-restore"), cql, jmx, settings.serverUser());
  }
}
