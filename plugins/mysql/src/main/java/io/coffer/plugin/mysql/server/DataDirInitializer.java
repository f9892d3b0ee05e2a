package io.coffer.plugin.mysql.server;

import io.coffer.plugin.kit.CommandRunner;
import io.coffer.plugin.mysql.Tools;
import io.coffer.spi.DatastoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Initialises an empty data directory with <a
 * href="https://mariadb.com/kb/en/mariadb-install-db/">mariadb-install-db</a>: system tables,
 * {@code root@localhost} authenticated by <a
 * href="https://mariadb.com/kb/en/authentication-plugin-unix-socket/">unix_socket</a> (so no
 * password exists anywhere), no test database. A data directory that has a {@code mysql}
 * subdirectory is considered initialised and left alone.
 */
public final class DataDirInitializer {

  private static final Logger log = LoggerFactory.getLogger(DataDirInitializer.class);
  private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);

  private final ServerSettings settings;

  public DataDirInitializer(ServerSettings settings) {
    this.settings = settings;
  }

  /**
   * Idempotent; on failure removes whatever the failed run created so that a retry starts clean.
   */
  public void prepare() {
    Path dataDir = settings.dataDir();
    try {
      String owner = settings.switchUser() ? settings.osUser() : null;
      Directories.ensure(dataDir, PosixFilePermissions.fromString("rwx------"), owner);
      Directories.ensure(settings.runDir(), PosixFilePermissions.fromString("rwxr-x---"), owner);
      if (isInitialised()) {
        return;
      }
      Set<Path> before = entries(dataDir);
      log.info("Initialising MariaDB data directory {}", dataDir);
      CommandRunner.Result result;
      try {
        result = CommandRunner.run(installCommand(), settings.runDir(), INSTALL_TIMEOUT, Tools.ENV);
      } catch (InterruptedException e) {
        // a half-initialised directory would pass for initialised next time
        removeAllBut(dataDir, before);
        throw e;
      }
      if (result.exitCode() != 0 || !isInitialised()) {
        removeAllBut(dataDir, before);
        throw DatastoreException.internal(
            "mariadb-install-db failed (exit " + result.exitCode() + "):\n" + result.outputTail(),
            null);
      }
    } catch (IOException e) {
      throw DatastoreException.internal("cannot prepare " + dataDir + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw DatastoreException.internal("interrupted while initialising " + dataDir, e);
    }
  }

  List<String> installCommand() {
    List<String> command = new ArrayList<>();
    command.add(settings.installDb().toString());
    command.add("--no-defaults"); // must come first; ignore any my.cnf on the host
    if (settings.switchUser()) {
      command.add("--user=" + settings.osUser());
    }
    command.add("--datadir=" + settings.dataDir());
    command.add("--auth-root-authentication-method=socket");
    command.add("--skip-test-db");
    return command;
  }

  private boolean isInitialised() {
    return Files.isDirectory(settings.dataDir().resolve("mysql"));
  }

  private static Set<Path> entries(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.collect(Collectors.toSet());
    }
  }

  // Deletes only entries that did not exist before the failed run (e.g. keeps lost+found).
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
