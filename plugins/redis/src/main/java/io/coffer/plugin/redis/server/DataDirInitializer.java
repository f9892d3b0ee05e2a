package io.coffer.plugin.redis.server;

import io.coffer.plugin.kit.Directories;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Prepares the server before every start: the data directory (0700) and run directory (0750), both
 * owned by the server's account; a first {@code redis.conf} (later kept by {@code CONFIG REWRITE});
 * and the admin user's line in {@code users.acl}, rewritten to the current admin secret so that a
 * lost secret file only costs a restart. Every other ACL line is the server's.
 *
 * <p>The ACL file starts with {@code user default off}: a connection that does not authenticate can
 * run nothing (Redis lets any unauthenticated client act as {@code default} otherwise).
 */
public final class DataDirInitializer {
  /** Redis' own defaults (redis.conf of 7.0), written down so that users see them. */
  static final List<String> FIRST_CONFIG =
      List.of(
          "# Written once by the Coffer agent; CONFIG REWRITE keeps it. Port, bind, dir, aclfile and the other",
          "# settings the agent owns are given on the command line and override this file.",
          "save 3600 1 300 100 60 10000",
          "appendonly no");

  private final RedisSettings settings;

  public DataDirInitializer(RedisSettings settings) {
    this.settings = settings;
  }

  /** Idempotent. @return the admin password */
  public Secret prepare() {
    try {
      Directories.ensure(
          settings.dataDir(), PosixFilePermissions.fromString("rwx------"), settings.serverUser());
      Directories.ensure(
          settings.runDir(), PosixFilePermissions.fromString("rwxr-x---"), settings.serverUser());
      Secret admin = AdminSecret.ensure(settings.adminSecret());
      if (!Files.exists(settings.configFile())) {
        write(settings.configFile(), FIRST_CONFIG);
      }
      writeAcl(admin);
      return admin;
    } catch (IOException e) {
      throw DatastoreException.internal(
          "cannot prepare the Redis directories in " + settings.dataDir() + ": " + e.getMessage(),
          e);
    }
  }

  private void writeAcl(Secret admin) throws IOException {
    List<String> lines = new ArrayList<>();
    if (Files.exists(settings.aclFile())) {
      for (String line : Files.readAllLines(settings.aclFile(), StandardCharsets.UTF_8)) {
        if (!line.startsWith("user " + AdminSecret.ADMIN_USER + " ")) {
          lines.add(line);
        }
      }
    } else {
      lines.add("user default off resetkeys resetchannels -@all");
    }
    lines.add(
        "user " + AdminSecret.ADMIN_USER + " on #" + AdminSecret.sha256(admin) + " ~* &* +@all");
    write(settings.aclFile(), lines);
  }

  /** Written beside the target and moved over it, owned by the server's account. */
  private void write(Path file, List<String> lines) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".coffer-tmp");
    Files.write(tmp, lines, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    if (settings.serverUser() != null) {
      settings.serverUser().chown(tmp);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
