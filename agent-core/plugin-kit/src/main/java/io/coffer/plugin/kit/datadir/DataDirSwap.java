package io.coffer.plugin.kit.datadir;

import io.coffer.plugin.kit.ServerUser;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.backup.ServerControl;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces the contents of the (stopped) server's data directory, keeping the old contents until
 * the server has started on the new ones, so that a failed restore can put everything back.
 *
 * <p>Everything happens inside the data directory, by renames: it is often the root of its own
 * volume, which cannot be renamed and whose siblings are on another file system, and the agent's
 * scratch directory may be elsewhere too. The old entries move to {@value #ASIDE}; the restored
 * files arrive in {@value #INCOMING} (written there by the engine's tool, e.g. mariadb-backup
 * --move-back, which wants an empty directory; or renamed from the scratch directory by {@link
 * #receive} when it is on the same file system, copied otherwise) and are then moved up. A volume's
 * {@code lost+found} stays where it is. Both directories belong to the server's account, like
 * everything in the data directory, so that the server may walk all of it (PostgreSQL fsyncs the
 * whole data directory after a crash).
 *
 * <p>Use: {@link #checkClean}, stop the server, {@link #setAside}, fill {@link #incoming()}, {@link
 * #install}, start the server, then {@link #discard}; on any failure {@link #putBack}.
 */
public final class DataDirSwap {
  private static final Logger log = LoggerFactory.getLogger(DataDirSwap.class);

  public static final String ASIDE = ".coffer-before-restore";
  public static final String INCOMING = ".coffer-restoring";
  private static final Set<String> FIXED = Set.of(ASIDE, INCOMING, "lost+found");

  private final Path dataDir;
  private final ServerUser owner;
  private final Path aside;
  private final Path incoming;
  private final List<String> installed = new ArrayList<>();

  /**
   * @param owner the server's account, or null when the server runs as the agent's
   */
  public DataDirSwap(Path dataDir, ServerUser owner) {
    this.dataDir = dataDir;
    this.owner = owner;
    this.aside = dataDir.resolve(ASIDE);
    this.incoming = dataDir.resolve(INCOMING);
  }

  /** Where the old contents are kept until {@link #discard} or {@link #putBack}. */
  public Path aside() {
    return aside;
  }

  /** Where the restored files go before {@link #install}. */
  public Path incoming() {
    return incoming;
  }

  /**
   * @throws DatastoreException FAILED_PRECONDITION when an interrupted restore left its directories
   *     behind: they may hold the only copy of the data from before it
   */
  public void checkClean() {
    for (Path leftover : List.of(aside, incoming)) {
      if (Files.exists(leftover, LinkOption.NOFOLLOW_LINKS)) {
        throw DatastoreException.failedPrecondition(
            "an earlier restore was interrupted and left "
                + leftover
                + " behind ("
                + ASIDE
                + " holds the data from before that restore); move or delete it, then retry");
      }
    }
  }

  /** Moves the current contents aside; returns {@link #incoming()}, empty. */
  public Path setAside() throws IOException {
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
   * Brings the staged files into the incoming directory, by rename when possible, and hands them to
   * the server's account.
   */
  public void receive(Path staged) throws IOException {
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
  public void install() throws IOException {
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
   * re-seeded replica's own settings. Copies, so that {@link #putBack} still finds everything
   * aside.
   */
  public void keepOwn(String name) throws IOException {
    keepOwn(name::equals);
  }

  /** {@link #keepOwn(String)} for every file of the old contents whose name matches. */
  public void keepOwn(Predicate<String> names) throws IOException {
    for (Path own : entries(aside)) {
      String name = own.getFileName().toString();
      if (names.test(name) && Files.isRegularFile(own, LinkOption.NOFOLLOW_LINKS)) {
        Files.copy(
            own,
            dataDir.resolve(name),
            StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.COPY_ATTRIBUTES);
        installed.add(name);
      }
    }
  }

  /**
   * Undoes {@link #setAside}, {@link #receive} and {@link #install}, however far they got, and
   * removes whatever appeared in the data directory since: signal files the restore created, and
   * what the server renamed or wrote while it ran on the restored files (e.g. backup_label.old).
   */
  public void putBack() throws IOException {
    for (String name : installed) {
      deleteTree(dataDir.resolve(name));
    }
    installed.clear();
    deleteTree(incoming);
    if (Files.isDirectory(aside, LinkOption.NOFOLLOW_LINKS)) {
      for (Path entry :
          entries(dataDir)) { // every old entry is aside: the rest came with the restore
        if (!FIXED.contains(entry.getFileName().toString())) {
          deleteTree(entry);
        }
      }
      for (Path entry : entries(aside)) {
        Files.move(
            entry, dataDir.resolve(entry.getFileName().toString()), StandardCopyOption.ATOMIC_MOVE);
      }
      Files.delete(aside);
    }
  }

  /**
   * After a failed restore: stops the server (a failed start may have left it half up), puts the
   * old contents back ({@link #putBack}) and starts it again.
   *
   * @return the exception to throw: the restore failed and the instance runs as before, or putting
   *     it back failed too (its old data is then in {@link #aside()}, named in the message)
   */
  public IOException rollBack(ServerControl server, Duration startTimeout, Exception cause) {
    log.warn("Restore failed ({}); putting the previous data directory back", message(cause));
    try {
      server.stop();
      putBack();
      server.start(startTimeout);
    } catch (IOException | RuntimeException e) {
      IOException failed =
          new IOException(
              "restore failed: "
                  + message(cause)
                  + "; putting the instance back failed too: "
                  + message(e)
                  + "; its previous data is in "
                  + aside
                  + " and the server may be down",
              cause);
      failed.addSuppressed(e);
      return failed;
    }
    return new IOException(
        "restore failed, and the instance was put back as it was and restarted: " + message(cause),
        cause);
  }

  private static String message(Throwable e) {
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  /** Deletes the old contents, once the server runs on the new ones. */
  public void discard() throws IOException {
    deleteTree(aside);
    deleteTree(incoming);
  }

  private void privateDir(Path dir) throws IOException {
    Files.createDirectory(
        dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
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
    Files.walkFileTree(
        from,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            Files.copy(
                dir,
                to.resolve(from.relativize(dir).toString()),
                StandardCopyOption.COPY_ATTRIBUTES,
                LinkOption.NOFOLLOW_LINKS);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.copy(
                file,
                to.resolve(from.relativize(file).toString()),
                StandardCopyOption.COPY_ATTRIBUTES,
                LinkOption.NOFOLLOW_LINKS);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /** Deletes a tree without following symbolic links; nothing when it does not exist. */
  public static void deleteTree(Path root) throws IOException {
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
