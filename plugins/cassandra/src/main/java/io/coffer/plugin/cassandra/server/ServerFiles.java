package io.coffer.plugin.cassandra.server;

import io.coffer.plugin.cassandra.config.CassandraParameters;
import io.coffer.plugin.cassandra.config.Overrides;
import io.coffer.plugin.kit.Directories;
import io.coffer.spi.DatastoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Prepares the server before every start: its directories (data 0700, run 0750, owned by the
 * server's account) and the configuration files, rendered again from the settings and the
 * parameters a user set. Cassandra initialises an empty data directory itself at its first start.
 */
public final class ServerFiles {
  private final CassandraSettings settings;
  private final Overrides overrides;

  public ServerFiles(CassandraSettings settings, Overrides overrides) {
    this.settings = settings;
    this.overrides = overrides;
  }

  /** Idempotent. */
  public void prepare() {
    try {
      var owner = settings.serverUser();
      var privateDir = PosixFilePermissions.fromString("rwx------");
      Directories.ensure(settings.dataDir(), privateDir, owner);
      for (Path dir :
          List.of(
              settings.sstableDir(),
              settings.commitLogDir(),
              settings.savedCachesDir(),
              settings.hintsDir(),
              settings.cdcRawDir(),
              settings.dataDir().resolve("triggers"))) {
        Directories.ensure(dir, privateDir, owner);
      }
      Directories.ensure(settings.runDir(), PosixFilePermissions.fromString("rwxr-x---"), owner);
      Directories.ensure(settings.confDir(), PosixFilePermissions.fromString("rwxr-x---"), owner);
      Directories.ensure(settings.logDir(), PosixFilePermissions.fromString("rwxr-x---"), owner);
      write(
          settings.configFile(),
          ConfigFiles.renderYaml(settings, CassandraParameters.yaml(overrides.read())));
      write(settings.rackDcFile(), ConfigFiles.rackDc(settings));
      write(settings.logbackFile(), ConfigFiles.logback());
      // a pid file left by an earlier server names a process that is gone (or another one)
      Files.deleteIfExists(settings.pidFile());
    } catch (IOException e) {
      throw DatastoreException.internal(
          "cannot prepare the Cassandra directories in "
              + settings.dataDir()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** Written beside the target and moved over it, readable by the server's account only. */
  private void write(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".coffer-tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r-----"));
    if (settings.serverUser() != null) {
      settings.serverUser().chown(tmp);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
