package io.coffer.plugin.postgresql.backup;

import io.coffer.plugin.kit.StagedChain;
import io.coffer.plugin.kit.ToolRunner;
import io.coffer.plugin.kit.datadir.DataDirSwap;
import io.coffer.plugin.kit.datadir.TarExtractor;
import io.coffer.plugin.postgresql.Tools;
import io.coffer.plugin.postgresql.server.StandbySignal;
import io.coffer.plugin.postgresql.sql.SocketConnector;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.backup.BackupManifest;
import io.coffer.spi.backup.RestoreRequest;
import io.coffer.spi.backup.RestoreSession;
import io.coffer.spi.backup.ServerControl;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a base backup (<a
 * href="https://www.postgresql.org/docs/15/continuous-archiving.html#BACKUP-PITR-RECOVERY">Recovering
 * Using a Continuous Archive Backup</a>, without an archive: the backup carries its WAL).
 *
 * <p>Staging extracts the tar stream into {@code <scratch>/0} ({@link TarExtractor}: the files
 * written on every core and back to disk as they complete, so that the server's fsync of its data
 * directory at start finds little left to do), checks that it is a base backup of this major
 * version whose {@code backup_label} starts where the manifest says, and has pg_verifybackup check
 * every file against the backup manifest and parse the WAL; nothing touches the instance. Install
 * then stops the server, swaps the data directory's contents ({@link DataDirSwap}) and starts it
 * again: finding {@code backup_label}, PostgreSQL replays the backup's WAL up to its end point and
 * opens; restored as a replica, it stays in recovery instead ({@link StandbySignal}) until the
 * replica is attached. Any failure from the stop on puts the old contents back and restarts the
 * server.
 */
final class BaseBackupRestore implements RestoreSession {

  private static final Logger log = LoggerFactory.getLogger(BaseBackupRestore.class);
  private static final Duration VERIFY = Duration.ofHours(24);
  private static final Duration START = Duration.ofMinutes(10);
  private static final Duration RECOVERY_START = Duration.ofSeconds(30);
  private static final Duration RECOVERY = Duration.ofHours(24);
  // the files' data written on every core, and back to disk while the stream goes on
  private static final TarExtractor EXTRACTOR = TarExtractor.perCore();

  private final ToolCommands commands;
  private final Path scratch;
  private final StagedChain chain;
  private final Optional<String> serverMajor;
  private final Runnable disconnect;
  private final ToolRunner tools;
  private final boolean asReplica;
  private final boolean reseed;
  private final PointInTimeRecovery pointInTime;

  /**
   * @param serverMajor this server's major version, when known
   * @param disconnect closes the plugin's idle admin session before the server is stopped, so that
   *     it does not hold up the smart shutdown
   */
  BaseBackupRestore(
      ToolCommands commands,
      SocketConnector connector,
      RestoreRequest request,
      Optional<String> serverMajor,
      Runnable disconnect) {
    this.pointInTime =
        request.recoveryTarget() == null
            ? null
            : new PointInTimeRecovery(
                commands.settings(), connector, request.recoveryTarget(), request.archivedLog());
    this.commands = commands;
    this.scratch = request.scratchDir().toAbsolutePath();
    this.chain = new StagedChain(request.chain());
    this.serverMajor = serverMajor;
    this.disconnect = disconnect;
    this.tools = new ToolRunner(scratch, Tools.ENV);
    this.asReplica = request.asReplica();
    this.reseed = request.reseed();
  }

  @Override
  public void stage(BackupManifest backup, InputStream stream) throws IOException {
    int index = chain.next(backup);
    Path dir = dirOf(index);
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    long start = System.nanoTime();
    TarExtractor.Result extracted = EXTRACTOR.extract(stream, dir);
    long verifying = System.nanoTime();
    check(backup, dir);
    Path manifest = dir.resolve("backup_manifest");
    if (Files.exists(manifest)) {
      // contents: the checksums computed while extracting; presence, sizes and WAL: the tool
      ManifestChecksums.check(manifest, extracted.crc32c(), backup.backupId());
      tools.run(Program.PG_VERIFYBACKUP.displayName(), commands.verify(dir), VERIFY);
      Files.delete(manifest); // describes the backup, not part of a data directory
    }
    log.info(
        "Restore: backup {} staged: {} files, {} bytes extracted and written back in {} ms,"
            + " checked by pg_verifybackup in {} ms",
        backup.backupId(),
        extracted.files(),
        extracted.bytes(),
        (verifying - start) / 1_000_000,
        (System.nanoTime() - verifying) / 1_000_000);
    chain.done();
  }

  private void check(BackupManifest backup, Path dir) throws IOException {
    String version;
    String label;
    try {
      version = Files.readString(dir.resolve("PG_VERSION"), StandardCharsets.US_ASCII).strip();
      label = Files.readString(dir.resolve("backup_label"), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IOException(
          "backup "
              + backup.backupId()
              + " is not a complete base backup: "
              + dir.relativize(Path.of(e.getFile()))
              + " is missing",
          e);
    }
    if (serverMajor.isPresent() && !serverMajor.get().equals(version)) {
      throw new IOException(
          "backup "
              + backup.backupId()
              + " holds a PostgreSQL "
              + version
              + " data directory; this server runs PostgreSQL "
              + serverMajor.get());
    }
    String expected = backup.positions().get(BackupPositions.START_LSN);
    String actual = BackupPositions.labelStart(label);
    if (expected != null && !expected.equals(actual)) {
      throw new IOException(
          "backup "
              + backup.backupId()
              + " does not match its manifest: its backup_label starts"
              + " at "
              + actual
              + ", the manifest says "
              + expected);
    }
  }

  @Override
  public void install(ServerControl server) throws IOException {
    chain.requireComplete();
    DataDirSwap swap =
        new DataDirSwap(commands.settings().dataDir(), commands.settings().serverUser());
    swap.checkClean();
    log.info("Restore: stopping PostgreSQL to replace {}", commands.settings().dataDir());
    try {
      disconnect.run();
      server.stop();
      swap.setAside();
      swap.receive(dirOf(0));
      swap.install();
      if (reseed) {
        // a re-seeded replica keeps its own settings (ALTER SYSTEM, e.g. 'coffer config set' and
        // its
        // primary_conninfo), not its source's
        swap.keepOwn("postgresql.auto.conf");
      }
      if (asReplica) {
        // never open as a primary: its first checkpoint would make its WAL diverge from the
        // source's
        StandbySignal.create(commands.settings());
      }
      if (pointInTime == null) {
        server.start(START);
      } else {
        pointInTime.configure();
        try {
          server.start(RECOVERY_START);
        } catch (DatastoreException e) {
          // still replaying before it accepts connections, or recovery failed: the wait below tells
          log.info("Restore: PostgreSQL not ready yet ({}); waiting for recovery", e.getMessage());
        }
        pointInTime.awaitPromotion(RECOVERY);
      }
    } catch (IOException | RuntimeException e) {
      if (pointInTime != null) {
        pointInTime.cleanUp();
      }
      throw swap.rollBack(server, START, e);
    }
    try {
      swap.discard();
    } catch (IOException e) {
      log.warn(
          "Restore succeeded, but the old data in {} could not be deleted: {}",
          swap.aside(),
          e.toString());
    }
  }

  private Path dirOf(int index) {
    return scratch.resolve(Integer.toString(index));
  }

  @Override
  public void close() {
    tools.close();
  }
}
