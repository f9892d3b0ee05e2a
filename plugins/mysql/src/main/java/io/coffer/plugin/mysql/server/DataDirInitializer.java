package io.coffer.plugin.mysql.server;

import io.coffer.plugin.kit.Directories;
import io.coffer.plugin.kit.datadir.DataDirInit;
import io.coffer.plugin.mysql.Tools;
import io.coffer.spi.DatastoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Initialises an empty data directory with <a
 * href="https://mariadb.com/kb/en/mariadb-install-db/">mariadb-install-db</a>: system tables,
 * {@code root@localhost} authenticated by <a
 * href="https://mariadb.com/kb/en/authentication-plugin-unix-socket/">unix_socket</a> (so no
 * password exists anywhere), no test database. A data directory that has a {@code mysql}
 * subdirectory is considered initialised and left alone.
 */
public final class DataDirInitializer {

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
    } catch (IOException e) {
      throw DatastoreException.internal("cannot prepare " + dataDir + ": " + e, e);
    }
    new DataDirInit(
            "mariadb-install-db",
            dataDir,
            d -> Files.isDirectory(d.resolve("mysql")),
            installCommand(),
            settings.runDir(),
            INSTALL_TIMEOUT,
            Tools.ENV)
        .run();
  }

  List<String> installCommand() {
    List<String> command = new ArrayList<>();
    command.add(settings.installDb().toString());
    command.add("--no-defaults"); // must come first; ignore any my.cnf on the host
    // also when the agent is not root: --user names the account the agent connects as over the
    // socket (unix_socket authentication), which install-db creates only for the user given here
    command.add("--user=" + settings.osUser());
    command.add("--datadir=" + settings.dataDir());
    command.add("--auth-root-authentication-method=socket");
    command.add("--skip-test-db");
    return command;
  }
}
