package io.coffer.plugin.cassandra.backup;

import io.coffer.plugin.cassandra.cql.CqlAdmin;
import io.coffer.plugin.cassandra.jmx.NodeJmx;
import io.coffer.plugin.cassandra.keyspaces.Keyspaces;
import io.coffer.plugin.cassandra.roles.Roles;
import io.coffer.plugin.cassandra.server.CassandraSettings;
import io.coffer.spi.Database;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.backup.BackupRequest;
import io.coffer.spi.backup.BackupSource;
import io.coffer.spi.backup.BackupStrategy;
import io.coffer.spi.backup.BackupType;
import io.coffer.spi.backup.RestoreRequest;
import io.coffer.spi.backup.RestoreSession;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Full backups as snapshots (<a
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

  @Override
  public Set<BackupType> types() {
    return Set.of(BackupType.FULL);
  }

  @Override
  public BackupSource open(BackupRequest request) {
    if (request.type() != BackupType.FULL) {
      throw DatastoreException.invalidArgument(
          "type", "Cassandra backups are full snapshots; " + request.type() + " is not offered");
    }
    List<String> names = new ArrayList<>();
    for (Database d : keyspaces.list()) {
      names.add(d.name());
    }
    String tag = "coffer-" + request.backupId();
    try {
      if (!names.isEmpty()) {
        jmx.takeSnapshot(tag, names);
      }
      Schema schema = Schema.describe(cql, names);
      List<SnapshotFiles.Entry> files = new ArrayList<>();
      for (String ks : names) {
        files.addAll(SnapshotFiles.of(settings.sstableDir(), ks, tag));
      }
      return new SnapshotSource(schema.toJson(), files, version.get(), () -> clear(tag));
    } catch (IOException | RuntimeException e) {
      clear(tag);
      if (e instanceof DatastoreException d) {
        throw d;
      }
      throw DatastoreException.internal("cannot take the snapshot: " + e.getMessage(), e);
    }
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
    if (request.chain().size() != 1 || request.target().type() != BackupType.FULL) {
      throw DatastoreException.invalidArgument(
          "backup_id", "a Cassandra restore takes one full snapshot");
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
