package io.coffer.plugin.postgresql.backup;

import io.coffer.plugin.kit.ServerUser;
import io.coffer.spi.DatastoreException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
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
 * files arrive in {@value #INCOMING} (renamed from the scratch directory when it is on the same
 * file system, copied otherwise) and are then moved up. A volume's {@code lost+found} stays where
 * it is. Both directories belong to the server's account, like everything in the data directory,
 * so that the server may walk all of it (it fsyncs the whole data directory after a crash).
 */
final class DataDirSwap {

  static final String ASIDE = ".coffer-before-restore";
  static final String INCOMING = ".coffer-restoring";
  private static final Set<String> FIXED = Set.of(ASIDE, INCOMING, "lost+found");

  private final Path dataDir;
  private final ServerUser owner;
  private final Path aside;
  private final Path incoming;
  private final List<String> installed = new ArrayList<>();

  /** @param owner the server's account, or null when the server runs as the agent's */
  DataDirSwap(Path dataDir, ServerUser owner) {
    this.dataDir = dataDir;
    this.owner = owner;
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
      if (Files.exists(leftover, LinkOption.NOFOLLOW_LINKS)) {
        throw DatastoreException.failedPrecondition("an earlier restore was interrupted and left " + leftover
            + " behind (" + ASIDE + " holds the data from before that restore); move or delete it, then retry");
      }
    }
  }

  /** Moves the current contents aside. */
  void setAside() throws IOException {
    privateDir(aside);
    privateDir(incoming);
    for (Path entry : entries(dataDir)) {
      String name = entry.getFileName().toString();
      if (!FIXED.contains(name)) {
        Files.move(entry, aside.resolve(name), StandardCopyOption.ATOMIC_MOVE);
      }
    }
  }

  /**
   * Brings the staged files into the incoming directory, by rename when possible, and hands them to
   * the server's account.
   */
  void receive(Path staged) throws IOException {
    for (Path entry : entries(staged)) {
      Path target = incoming.resolve(entry.getFileName().toString());
      try {
        Files.move(entry, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) { // another file system
        copyTree(entry, target);
        deleteTree(entry);
      }
    }
    if (owner != null) {
      owner.chownTree(incoming);
    }
  }

  /** Moves the restored files up into the data directory. */
  void install() throws IOException {
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
  }

  /**
   * Puts the old contents' copy of {@code name} (a file) in place of the restored one, for a
   * re-seeded replica's own settings. Copies, so that {@link #putBack} still finds everything aside.
   */
  void keepOwn(String name) throws IOException {
    Path own = aside.resolve(name);
    if (Files.isRegularFile(own, LinkOption.NOFOLLOW_LINKS)) {
      Files.copy(own, dataDir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
      installed.add(name);
    }
  }

  /**
   * Undoes {@link #setAside}, {@link #receive} and {@link #install}, however far they got, and
   * removes whatever appeared in the data directory since: signal files the restore created, and
   * what the server renamed or wrote while it ran on the restored files (e.g. backup_label.old).
   */
  void putBack() throws IOException {
    for (String name : installed) {
      deleteTree(dataDir.resolve(name));
    }
    installed.clear();
    deleteTree(incoming);
    if (Files.isDirectory(aside, LinkOption.NOFOLLOW_LINKS)) {
      for (Path entry : entries(dataDir)) { // every old entry is aside: the rest came with the restore
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

  private void privateDir(Path dir) throws IOException {
    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    if (owner != null) {
      owner.chown(dir);
    }
  }

  private static List<Path> entries(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }

  /** Copies a tree with its permissions and times, symbolic links as links. */
  private static void copyTree(Path from, Path to) throws IOException {
    Files.walkFileTree(from, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        Files.copy(dir, to.resolve(from.relativize(dir).toString()), StandardCopyOption.COPY_ATTRIBUTES,
            LinkOption.NOFOLLOW_LINKS);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES,
            LinkOption.NOFOLLOW_LINKS);
        return FileVisitResult.CONTINUE;
      }
    });
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
