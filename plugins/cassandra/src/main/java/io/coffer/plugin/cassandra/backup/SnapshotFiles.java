package io.coffer.plugin.cassandra.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where a snapshot's files are: Cassandra hard-links them under {@code
 * <data>/<keyspace>/<table>-<id>/snapshots/<tag>/} (<a
 * href="https://cassandra.apache.org/doc/5.0/cassandra/managing/operating/backups.html">Backups</a>),
 * and how they are named in the backup stream: {@code tables/<keyspace>/<table>/<file>}, after
 * {@code schema.json} ({@link Schema}). The snapshot's own {@code manifest.json} and {@code
 * schema.cql} stay out (the stream's schema comes from {@code DESCRIBE}).
 */
final class SnapshotFiles {
  static final String SCHEMA = "schema.json";
  static final String TABLES = "tables";

  /** One snapshotted file and its name in the stream. */
  record Entry(Path file, String name, long size) {}

  private SnapshotFiles() {}

  /** The files of snapshot {@code tag} of {@code keyspace}, in a stable order. */
  static List<Entry> of(Path sstableDir, String keyspace, String tag) throws IOException {
    List<Entry> out = new ArrayList<>();
    Path ksDir = sstableDir.resolve(keyspace);
    if (!Files.isDirectory(ksDir)) {
      return out;
    }
    List<Path> tableDirs;
    try (Stream<Path> dirs = Files.list(ksDir)) {
      tableDirs = dirs.filter(Files::isDirectory).sorted().toList();
    }
    for (Path tableDir : tableDirs) {
      Path snapshot = tableDir.resolve("snapshots").resolve(tag);
      if (!Files.isDirectory(snapshot)) {
        continue;
      }
      String table = tableName(tableDir.getFileName().toString());
      List<Path> files;
      try (Stream<Path> walk = Files.walk(snapshot)) {
        files = walk.filter(Files::isRegularFile).sorted().toList();
      }
      for (Path f : files) {
        String relative = snapshot.relativize(f).toString();
        if (relative.equals("manifest.json") || relative.equals("schema.cql")) {
          continue;
        }
        out.add(
            new Entry(f, TABLES + "/" + keyspace + "/" + table + "/" + relative, Files.size(f)));
      }
    }
    return out;
  }

  /** {@code orders-5a1ff267...} names table {@code orders}: the id follows the last dash. */
  static String tableName(String directory) {
    int dash = directory.lastIndexOf('-');
    return dash <= 0 ? directory : directory.substring(0, dash);
  }
}
