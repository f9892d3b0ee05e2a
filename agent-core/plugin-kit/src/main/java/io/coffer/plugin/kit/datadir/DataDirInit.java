package io.coffer.plugin.kit.datadir;

import io.coffer.plugin.kit.CommandRunner;
import io.coffer.plugin.kit.ToolEnvironment;
import io.coffer.spi.DatastoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an engine's data-directory initialiser (e.g. {@code mariadb-install-db}, {@code initdb}) at
 * most once per directory: nothing when the directory is already initialised; when the tool fails
 * or is interrupted, removes what that run created (keeping what was there before, such as {@code
 * lost+found} on a volume's root) so that the next attempt starts clean instead of taking a
 * half-initialised directory for a finished one.
 *
 * @param tool the initialiser's name, for messages (e.g. {@code "initdb"})
 * @param dataDir the data directory; must exist
 * @param initialised whether a directory holds a finished initialisation (e.g. {@code PG_VERSION})
 * @param command the initialiser's command line, never run through a shell
 * @param workingDir where the tool runs
 * @param timeout how long the tool may take
 * @param environment the tool's environment
 */
public record DataDirInit(
    String tool,
    Path dataDir,
    Predicate<Path> initialised,
    List<String> command,
    Path workingDir,
    Duration timeout,
    ToolEnvironment environment) {

  private static final Logger log = LoggerFactory.getLogger(DataDirInit.class);

  public DataDirInit {
    command = List.copyOf(command);
  }

  /**
   * Initialises the directory unless it already is.
   *
   * @return whether the tool ran
   * @throws DatastoreException INTERNAL with the tool's output tail when it fails
   */
  public boolean run() {
    try {
      if (initialised.test(dataDir)) {
        return false;
      }
      Set<Path> before = entries(dataDir);
      log.info("Initialising data directory {} with {}", dataDir, tool);
      CommandRunner.Result result;
      try {
        result = CommandRunner.run(command, workingDir, timeout, environment);
      } catch (InterruptedException e) {
        removeAllBut(dataDir, before);
        throw e;
      }
      if (result.exitCode() != 0 || !initialised.test(dataDir)) {
        removeAllBut(dataDir, before);
        throw DatastoreException.internal(
            tool + " failed (exit " + result.exitCode() + "):\n" + result.outputTail(), null);
      }
      return true;
    } catch (IOException e) {
      throw DatastoreException.internal("cannot initialise " + dataDir + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw DatastoreException.internal("interrupted while initialising " + dataDir, e);
    }
  }

  private static Set<Path> entries(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.collect(Collectors.toSet());
    }
  }

  private static void removeAllBut(Path dir, Set<Path> keep) throws IOException {
    for (Path entry : entries(dir)) {
      if (!keep.contains(entry)) {
        try (Stream<Path> tree = Files.walk(entry)) {
          for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
    }
  }
}
