package io.coffer.plugin.redis.backup;

import io.coffer.plugin.redis.client.AdminClient;
import io.coffer.plugin.redis.server.ConfigFile;
import io.coffer.plugin.redis.server.RedisSettings;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.backup.BackupManifest;
import io.coffer.spi.backup.RestoreSession;
import io.coffer.spi.backup.ServerControl;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Arrays;

/**
 * Installs an RDB snapshot: staged in the scratch directory (its header checked: {@code REDIS} and
 * an RDB version this server reads), then, with the server stopped, moved over {@code dump.rdb}.
 * Redis loads the AOF instead of the RDB when {@code appendonly} is on, so AOF is switched off for
 * the start that loads the snapshot and back on afterwards ({@code CONFIG SET appendonly yes}
 * writes a fresh AOF from the loaded data), as the <a
 * href="https://redis.io/docs/latest/operate/oss_and_stack/management/persistence/">persistence
 * guide</a> describes.
 *
 * <p>The instance's current files ({@code dump.rdb}, the AOF directory) are set aside first, not
 * deleted (a re-seeded replica has data): a failed install puts them back and restarts the server
 * as it was; a successful one deletes them. Left aside by an agent that died mid-install, they make
 * the next restore refuse (FAILED_PRECONDITION) rather than guess which copy is good.
 */
final class RdbRestore implements RestoreSession {
  /** Redis 7.0 writes and reads RDB version 10. */
  static final int MAX_RDB_VERSION = 10;

  private static final Duration START_TIMEOUT = Duration.ofMinutes(10);
  static final String ASIDE = ".coffer-before-restore";

  private final RedisSettings settings;
  private final ConfigFile config;
  private final AdminClient admin;
  private final Path staged;

  RdbRestore(RedisSettings settings, ConfigFile config, AdminClient admin, Path scratchDir) {
    this.settings = settings;
    this.config = config;
    this.admin = admin;
    this.staged = scratchDir.resolve("dump.rdb");
  }

  @Override
  public void stage(BackupManifest backup, InputStream stream) throws IOException {
    Files.copy(stream, staged, StandardCopyOption.REPLACE_EXISTING);
    checkHeader(staged);
  }

  static void checkHeader(Path file) throws IOException {
    byte[] header = new byte[9];
    try (InputStream in = Files.newInputStream(file)) {
      if (in.readNBytes(header, 0, 9) != 9
          || !new String(Arrays.copyOf(header, 5), StandardCharsets.US_ASCII).equals("REDIS")) {
        throw new IOException("the backup is not an RDB snapshot (no REDIS header)");
      }
    }
    int version;
    try {
      version = Integer.parseInt(new String(header, 5, 4, StandardCharsets.US_ASCII));
    } catch (NumberFormatException e) {
      throw new IOException("the backup's RDB header has no version");
    }
    if (version > MAX_RDB_VERSION) {
      throw new IOException(
          "the backup is RDB version "
              + version
              + ", newer than this Redis reads ("
              + MAX_RDB_VERSION
              + ")");
    }
  }

  @Override
  public void install(ServerControl server) throws IOException {
    if (!Files.isRegularFile(staged)) {
      throw new IOException("nothing was staged");
    }
    Path rdbAside = aside(settings.rdbFile());
    Path aofAside = aside(settings.aofDir());
    for (Path p : new Path[] {rdbAside, aofAside}) {
      if (Files.exists(p)) {
        throw DatastoreException.failedPrecondition(
            "an earlier restore was interrupted: the instance's previous data"
                + " is in "
                + p
                + "; move it back or delete it, then retry");
      }
    }
    boolean aof = config.get("appendonly").map("yes"::equalsIgnoreCase).orElse(false);
    server.stop();
    try {
      setAside(settings.rdbFile(), rdbAside);
      setAside(settings.aofDir(), aofAside);
      Files.move(staged, settings.rdbFile(), StandardCopyOption.REPLACE_EXISTING);
      if (settings.serverUser() != null) {
        settings.serverUser().chown(settings.rdbFile());
      }
      if (aof) {
        config.set("appendonly", "no");
      }
      server.start(START_TIMEOUT);
    } catch (IOException | RuntimeException e) {
      server.stop(); // a failed start may have left it half up
      Files.deleteIfExists(settings.rdbFile());
      deleteTree(settings.aofDir());
      setAside(rdbAside, settings.rdbFile());
      setAside(aofAside, settings.aofDir());
      if (aof) {
        config.set("appendonly", "yes");
      }
      server.start(START_TIMEOUT);
      throw new IOException(
          "the snapshot could not be installed; the instance was put back as it was: "
              + e.getMessage(),
          e);
    }
    Files.deleteIfExists(rdbAside);
    deleteTree(aofAside);
    if (aof) {
      admin.call("turn AOF back on", c -> c.configSet("appendonly", "yes"));
      admin.call("rewrite redis.conf", c -> c.configRewrite());
    }
  }

  private static Path aside(Path p) {
    return p.resolveSibling(p.getFileName() + ASIDE);
  }

  /** Moves {@code from} (a file or a directory, if it exists) to {@code to}. */
  private static void setAside(Path from, Path to) throws IOException {
    if (Files.exists(from, LinkOption.NOFOLLOW_LINKS)) {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  @Override
  public void close() {
    // the runtime removes the scratch directory
  }
}
