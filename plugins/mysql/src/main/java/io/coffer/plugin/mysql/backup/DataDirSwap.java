package io.coffer.plugin.mysql.backup;

import io.coffer.plugin.mysql.server.ServerCommand;
import io.coffer.spi.DatastoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Replaces the contents of the (stopped) server's data directory, keeping the old contents until
 * the server has started on the new ones, so that a failed restore can put everything back.
 *
 * <p>Everything happens inside the data directory, by renames: it is often the root of its own
 * volume, which cannot be renamed and whose siblings are on another file system, and the agent's
 * scratch directory may be elsewhere too. The old entries move to {@value #ASIDE}; the restored
 * files arrive in {@value #INCOMING} (mariadb-backup --move-back wants an empty directory) and
 * are then moved up. A volume's {@code lost+found} stays where it is.
 */
final class DataDirSwap {

  static final String ASIDE = ".coffer-before-restore";
  static final String INCOMING = ".coffer-restoring";
  private static final Set<String> FIXED = Set.of(ASIDE, INCOMING, "lost+found");

  private final Path dataDir;
  private final Path aside;
  private final Path incoming;
  private final List<String> installed = new ArrayList<>();

  DataDirSwap(Path dataDir) {
    this.dataDir = dataDir;
    this.aside = dataDir.resolve(ASIDE);
    this.incoming = dataDir.resolve(INCOMING);
  }

  Path aside() {
    return aside;
  }

  /**
   * @throws DatastoreException FAILED_PRECONDITION when an interrupted restore left its directories
   *     behind: they may hold the only copy of the data from before it
   */
  void checkClean() {
    for (Path leftover : List.of(aside, incoming)) {
      if (Files.exists(leftover)) {
        throw DatastoreException.failedPrecondition("an earlier restore was interrupted and left " + leftover
            + " behind (" + ASIDE + " holds the data from before that restore); move or delete it, then retry");
      }
    }
  }

  /** Moves the current contents aside and returns the empty directory the restored files go to. */
  Path setAside() throws IOException {
    privateDir(aside);
    privateDir(incoming);
    for (Path entry : entries(dataDir)) {
      String name = entry.getFileName().toString();
      if (!FIXED.contains(name)) {
        Files.move(entry, aside.resolve(name), StandardCopyOption.ATOMIC_MOVE);
      }
    }
    return incoming;
  }

  /**
   * Moves the restored files up into the data directory; for a re-seeded replica, also keeps the
   * instance's own files (see {@link #keepInstanceFiles}).
   */
  void install(boolean reseed) throws IOException {
    for (Path entry : entries(incoming)) {
      String name = entry.getFileName().toString();
      if (FIXED.contains(name)) {
        deleteTree(entry); // e.g. the lost+found of the backed-up volume
        continue;
      }
      Files.move(entry, dataDir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
      installed.add(name);
    }
    Files.delete(incoming);
    if (reseed) {
      keepInstanceFiles();
    }
  }

  /**
   * Copies a re-seeded replica's own files back from its old contents: its option files
   * ({@code coffer-*.cnf}: its parameters) and its role file ({@code coffer-init.sql}:
   * {@code read_only}, so that it takes no stray write between its start and its attach). They
   * describe this instance, not the backed-up data. Copies, so that {@link #putBack} still finds
   * everything aside. A plain restore keeps none: it leaves a new standalone instance.
   */
  private void keepInstanceFiles() throws IOException {
    for (Path entry : entries(aside)) {
      String name = entry.getFileName().toString();
      Path target = dataDir.resolve(name);
      boolean own = name.startsWith("coffer-") && name.endsWith(".cnf") || name.equals(ServerCommand.INIT_FILE);
      if (own && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) { // the instance's, not its source's
        Files.copy(entry, target, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
        installed.add(name);
      }
    }
  }

  /** Undoes {@link #setAside} and {@link #install}, however far they got. */
  void putBack() throws IOException {
    for (String name : installed) {
      deleteTree(dataDir.resolve(name));
    }
    installed.clear();
    deleteTree(incoming);
    if (Files.isDirectory(aside)) {
      // every old entry is aside: the rest appeared since (files the server wrote on the restored data)
      for (Path entry : entries(dataDir)) {
        if (!FIXED.contains(entry.getFileName().toString())) {
          deleteTree(entry);
        }
      }
      for (Path entry : entries(aside)) {
        Files.move(entry, dataDir.resolve(entry.getFileName().toString()), StandardCopyOption.ATOMIC_MOVE);
      }
      Files.delete(aside);
    }
  }

  /** Deletes the old contents, once the server runs on the new ones. */
  void discard() throws IOException {
    deleteTree(aside);
    deleteTree(incoming);
  }

  private static void privateDir(Path dir) throws IOException {
    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
  }

  private static List<Path> entries(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }

  /** Deletes a tree without following symbolic links; nothing when it does not exist. */
  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> tree = Files.walk(root)) {
      for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
