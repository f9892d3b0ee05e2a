package io.coffer.plugin.cassandra.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
    for (Path tableDir : tableDirs(sstableDir, keyspace)) {
      Path snapshot = tableDir.resolve("snapshots").resolve(tag);
      String table = tableName(tableDir.getFileName().toString());
      for (Path f : files(snapshot)) {
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

  /**
   * The SSTables Cassandra hard-linked under each table's {@code backups/} ({@code
   * incremental_backups}) that were written at or after {@code sinceMillis}, for an incremental
   * backup. An SSTable goes whole: every component of one with any component written since.
   */
  static List<Entry> incremental(Path sstableDir, String keyspace, long sinceMillis)
      throws IOException {
    List<Entry> out = new ArrayList<>();
    for (Path tableDir : tableDirs(sstableDir, keyspace)) {
      Path backups = tableDir.resolve("backups");
      String table = tableName(tableDir.getFileName().toString());
      for (List<Path> sstable : sstables(backups).values()) {
        if (newest(sstable) >= sinceMillis) {
          for (Path f : sstable) {
            out.add(
                new Entry(
                    f,
                    TABLES + "/" + keyspace + "/" + table + "/" + backups.relativize(f),
                    Files.size(f)));
          }
        }
      }
    }
    return out;
  }

  /**
   * Removes the {@code backups/} links of SSTables written wholly before {@code beforeMillis}: a
   * completed backup taken after them holds their data.
   *
   * @return how many files were removed
   */
  static int prune(Path sstableDir, String keyspace, long beforeMillis) throws IOException {
    int removed = 0;
    for (Path tableDir : tableDirs(sstableDir, keyspace)) {
      for (List<Path> sstable : sstables(tableDir.resolve("backups")).values()) {
        if (newest(sstable) < beforeMillis) {
          for (Path f : sstable) {
            Files.deleteIfExists(f);
            removed++;
          }
        }
      }
    }
    return removed;
  }

  /**
   * A directory's files by SSTable: {@code nb-12-big-Data.db} and {@code nb-12-big-TOC.txt} are
   * components of {@code nb-12-big} (the name up to its last dash), in their directory.
   */
  private static Map<String, List<Path>> sstables(Path dir) throws IOException {
    Map<String, List<Path>> out = new TreeMap<>();
    for (Path f : files(dir)) {
      String name = f.getFileName().toString();
      int dash = name.lastIndexOf('-');
      String sstable =
          dir.relativize(f.getParent()) + "/" + (dash < 0 ? name : name.substring(0, dash));
      out.computeIfAbsent(sstable, k -> new ArrayList<>()).add(f);
    }
    return out;
  }

  private static long newest(List<Path> files) throws IOException {
    long newest = Long.MIN_VALUE;
    for (Path f : files) {
      newest = Math.max(newest, Files.getLastModifiedTime(f).toMillis());
    }
    return newest;
  }

  private static List<Path> tableDirs(Path sstableDir, String keyspace) throws IOException {
    Path ksDir = sstableDir.resolve(keyspace);
    if (!Files.isDirectory(ksDir)) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(ksDir)) {
      return dirs.filter(Files::isDirectory).sorted().toList();
    }
  }

  private static List<Path> files(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).sorted().toList();
    }
  }

  /** {@code orders-5a1ff267...} names table {@code orders}: the id follows the last dash. */
  static String tableName(String directory) {
    int dash = directory.lastIndexOf('-');
    return dash <= 0 ? directory : directory.substring(0, dash);
  }
}
