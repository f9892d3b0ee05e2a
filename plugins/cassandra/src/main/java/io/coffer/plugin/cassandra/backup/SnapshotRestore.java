package io.coffer.plugin.cassandra.backup;

import io.coffer.plugin.cassandra.cql.CqlAdmin;
import io.coffer.plugin.cassandra.cql.CqlNames;
import io.coffer.plugin.cassandra.jmx.NodeJmx;
import io.coffer.plugin.kit.ServerUser;
import io.coffer.plugin.kit.datadir.TarExtractor;
import io.coffer.spi.backup.BackupManifest;
import io.coffer.spi.backup.RestoreSession;
import io.coffer.spi.backup.ServerControl;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a snapshot, and the incremental backups after it, into an empty, running node, as
 * Cassandra documents it (<a
 * href="https://cassandra.apache.org/doc/5.0/cassandra/managing/operating/bulk_loading.html">Bulk
 * loading: nodetool import</a>): the stream is extracted beside the data (in {@code coffer-restore}
 * of the data directory, which Cassandra does not read, owned by the server's account so that the
 * import can move the files in); installing creates the schema, then imports each table's SSTables,
 * verified. A failed install drops the keyspaces it created: the instance was empty.
 */
final class SnapshotRestore implements RestoreSession {
  private static final Logger log = LoggerFactory.getLogger(SnapshotRestore.class);

  private final Path staging;
  private final CqlAdmin cql;
  private final NodeJmx jmx;
  private final ServerUser owner;

  SnapshotRestore(Path staging, CqlAdmin cql, NodeJmx jmx, ServerUser owner) {
    this.staging = staging;
    this.cql = cql;
    this.jmx = jmx;
    this.owner = owner;
  }

  /** One directory per backup of the chain, in order. */
  private final List<Path> staged = new ArrayList<>();

  @Override
  public void stage(BackupManifest backup, InputStream stream) throws IOException {
    if (staged.isEmpty()) {
      deleteTree(staging);
    }
    Path dir = staging.resolve(Integer.toString(staged.size()));
    TarExtractor.perCore().extract(stream, dir);
    if (!Files.isRegularFile(dir.resolve(SnapshotFiles.SCHEMA))) {
      throw new IOException(
          "backup " + backup.backupId() + " holds no " + SnapshotFiles.SCHEMA + ": not a snapshot");
    }
    if (owner != null) {
      owner.chownTree(staging);
    }
    staged.add(dir);
  }

  @Override
  public void install(ServerControl server) throws IOException {
    List<String> created = new ArrayList<>();
    try {
      // the schema as the chain's last backup saw it: tables created in between included
      Path last = staged.get(staged.size() - 1);
      Schema schema = Schema.fromJson(read(last.resolve(SnapshotFiles.SCHEMA)));
      for (Schema.Keyspace ks : schema.keyspaces()) {
        created.add(ks.name());
        for (String statement : ks.statements()) {
          cql.execute(statement);
        }
      }
      for (Path dir : staged) {
        for (Path tableDir : tableDirs(dir.resolve(SnapshotFiles.TABLES))) {
          String keyspace = tableDir.getParent().getFileName().toString();
          String table = tableDir.getFileName().toString();
          if (!tableExists(keyspace, table)) {
            continue; // dropped later in the chain: the last schema has it no more
          }
          List<String> failed = jmx.importSSTables(keyspace, table, tableDir.toString());
          if (!failed.isEmpty()) {
            throw new IOException("Cassandra could not import " + keyspace + "." + table);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      for (String keyspace : created) {
        try {
          cql.execute("DROP KEYSPACE IF EXISTS " + CqlNames.quote(keyspace));
        } catch (RuntimeException dropFailed) {
          e.addSuppressed(dropFailed);
        }
      }
      log.warn("restore failed; dropped the keyspaces it created: {}", created);
      throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
    } finally {
      deleteTree(staging);
    }
  }

  @Override
  public void close() {
    try {
      deleteTree(staging);
    } catch (IOException e) {
      log.warn("could not remove {}: {}", staging, e.getMessage());
    }
  }

  private boolean tableExists(String keyspace, String table) {
    return cql.execute(
                "SELECT table_name FROM system_schema.tables"
                    + " WHERE keyspace_name = ? AND table_name = ?",
                keyspace,
                table)
            .one()
        != null;
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  /** {@code tables/<keyspace>/<table>}, in order. */
  private static List<Path> tableDirs(Path tables) throws IOException {
    if (!Files.isDirectory(tables)) {
      return List.of();
    }
    List<Path> out = new ArrayList<>();
    try (Stream<Path> keyspaces = Files.list(tables)) {
      for (Path ks : keyspaces.sorted().toList()) {
        try (Stream<Path> t = Files.list(ks)) {
          out.addAll(t.filter(Files::isDirectory).sorted().toList());
        }
      }
    }
    return out;
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
