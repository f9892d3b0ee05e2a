package io.coffer.plugin.postgresql.server;

import io.coffer.plugin.kit.Directories;
import io.coffer.plugin.kit.datadir.DataDirInit;
import io.coffer.plugin.postgresql.Tools;
import io.coffer.plugin.postgresql.naming.ReservedNames;
import io.coffer.spi.DatastoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
    } catch (IOException e) {
      throw DatastoreException.internal("cannot prepare " + dataDir + ": " + e, e);
    }
    new DataDirInit(
            "initdb",
            dataDir,
            d -> Files.isRegularFile(d.resolve("PG_VERSION")),
            initdbCommand(),
            settings.runDir(),
            INITDB_TIMEOUT,
            Tools.ENV)
        .run();
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
}
