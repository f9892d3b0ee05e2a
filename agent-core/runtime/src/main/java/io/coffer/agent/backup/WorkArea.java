package io.coffer.agent.backup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The agent's local bookkeeping for backups, under its state directory: a marker per backup being
 * written ({@code in-progress/<id>}, fsynced before the first object goes to storage, so an agent
 * killed mid-backup knows at its next start which backups to clean up) and a scratch directory per
 * job ({@code scratch/<id>}) for the engine tools.
 */
public final class WorkArea {
  private final Path inProgress;
  private final Path scratch;
  private final Path reseedPending;

  public WorkArea(Path root) throws IOException {
    this.inProgress = Files.createDirectories(root.resolve("in-progress"));
    this.scratch = Files.createDirectories(root.resolve("scratch"));
    this.reseedPending = root.resolve("reseed-pending");
  }

  /**
   * Marks (durably) that this instance is being re-seeded as a replica: from then until it is
   * attached to a source or promoted, it may be re-seeded again although it has no source (a repair
   * whose attach failed can be repeated).
   */
  void markReseed() throws IOException {
    createDurably(reseedPending);
  }

  boolean reseedPending() {
    return Files.exists(reseedPending);
  }

  void clearReseed() throws IOException {
    Files.deleteIfExists(reseedPending);
  }

  /** Marks a backup in progress (durably) and creates its empty scratch directory. */
  void begin(String backupId) throws IOException {
    createDurably(inProgress.resolve(backupId));
    beginRestore(backupId);
  }

  /** Creates an empty marker file, synced with its directory entry so that it survives a crash. */
  private static void createDurably(Path marker) throws IOException {
    try (FileChannel c =
        FileChannel.open(marker, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      c.force(true);
    }
    try (FileChannel dir = FileChannel.open(marker.getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    }
  }

  /** Removes the backup's scratch directory, then its marker. */
  void end(String backupId) {
    endRestore(backupId);
    try {
      Files.deleteIfExists(inProgress.resolve(backupId));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fresh, empty scratch directory for a restore (nothing to clean in storage if it dies). */
  void beginRestore(String jobId) throws IOException {
    Path dir = scratch(jobId);
    deleteTree(dir);
    Files.createDirectories(dir);
  }

  void endRestore(String jobId) {
    try {
      deleteTree(scratch(jobId));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path scratch(String jobId) {
    return scratch.resolve(jobId);
  }

  /** Backups whose marker survived: the agent died while writing them. */
  List<String> interrupted() throws IOException {
    try (Stream<Path> markers = Files.list(inProgress)) {
      return markers.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  void clearScratch() throws IOException {
    try (Stream<Path> dirs = Files.list(scratch)) {
      for (Path dir : dirs.toList()) {
        deleteTree(dir);
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
