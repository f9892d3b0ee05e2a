package io.coffer.plugin.postgresql.server;

import io.coffer.plugin.kit.CommandRunner;
import io.coffer.plugin.kit.Directories;
import io.coffer.plugin.postgresql.Tools;
import io.coffer.plugin.postgresql.naming.ReservedNames;
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
 * Prepares the server before every start: creates the data directory (0700) and the run directory
 * (0750), both owned by the server's OS account, initialises an empty data directory with <a
 * href="https://www.postgresql.org/docs/15/app-initdb.html">initdb</a> run as that account, and
 * renders the authentication files ({@link AccessFiles}). A data directory holding {@code
 * PG_VERSION} is initialised and left alone.
 *
 * <p>initdb options: the bootstrap superuser is the agent's admin role ({@code --username=}{@value
 * ReservedNames#ADMIN_ROLE}), so no role named {@code postgres} exists until root is enabled;
 * {@code --auth-local=peer --auth-host=scram-sha-256} (the rendered {@code hba_file} replaces the
 * generated one anyway); UTF8 with the {@code C.UTF-8} locale, which every glibc system has and
 * which sorts by code point; and <a
 * href="https://www.postgresql.org/docs/15/app-initdb.html#APP-INITDB-DATA-CHECKSUMS">data
 * checksums</a>, which let the server and pg_basebackup detect corrupt pages.
 */
public final class DataDirInitializer {

  private static final Logger log = LoggerFactory.getLogger(DataDirInitializer.class);
  private static final Duration INITDB_TIMEOUT = Duration.ofMinutes(5);

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
      Directories.ensure(
          dataDir, PosixFilePermissions.fromString("rwx------"), settings.serverUser());
      Directories.ensure(
          settings.runDir(), PosixFilePermissions.fromString("rwxr-x---"), settings.serverUser());
      Directories.ensure(
          settings.walSpoolDir(),
          PosixFilePermissions.fromString("rwx------"),
          settings.serverUser());
      AccessFiles.render(settings);
      if (isInitialised()) {
        return;
      }
      Set<Path> before = entries(dataDir);
      log.info("Initialising PostgreSQL data directory {}", dataDir);
      CommandRunner.Result result;
      try {
        result = CommandRunner.run(initdbCommand(), settings.runDir(), INITDB_TIMEOUT, Tools.ENV);
      } catch (InterruptedException e) {
        // a half-initialised directory would pass for initialised next time
        removeAllBut(dataDir, before);
        throw e;
      }
      if (result.exitCode() != 0 || !isInitialised()) {
        removeAllBut(dataDir, before);
        throw DatastoreException.internal(
            "initdb failed (exit " + result.exitCode() + "):\n" + result.outputTail(), null);
      }
    } catch (IOException e) {
      throw DatastoreException.internal("cannot prepare " + dataDir + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw DatastoreException.internal("interrupted while initialising " + dataDir, e);
    }
  }

  List<String> initdbCommand() {
    List<String> command = new ArrayList<>();
    command.add(settings.program("initdb").toString());
    command.add("--pgdata=" + settings.dataDir());
    command.add("--username=" + ReservedNames.ADMIN_ROLE);
    command.add("--auth-local=peer");
    command.add("--auth-host=scram-sha-256");
    command.add("--encoding=UTF8");
    command.add("--locale=C.UTF-8");
    command.add("--data-checksums");
    command.add("--no-instructions");
    return settings.asServerUser(command);
  }

  private boolean isInitialised() {
    return Files.isRegularFile(settings.dataDir().resolve("PG_VERSION"));
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
