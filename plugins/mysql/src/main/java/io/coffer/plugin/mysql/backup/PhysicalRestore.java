package io.coffer.plugin.mysql.backup;

import io.coffer.plugin.kit.StagedChain;
import io.coffer.plugin.kit.ToolProcess;
import io.coffer.plugin.kit.ToolRunner;
import io.coffer.plugin.kit.datadir.DataDirSwap;
import io.coffer.plugin.mysql.Tools;
import io.coffer.plugin.mysql.server.ServerCommand;
import io.coffer.spi.backup.BackupManifest;
import io.coffer.spi.backup.RestoreRequest;
import io.coffer.spi.backup.RestoreSession;
import io.coffer.spi.backup.ServerControl;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a full backup and its incrementals (<a
 * href="https://mariadb.com/kb/en/full-backup-and-restore-with-mariadb-backup/">full</a>, <a
 * href="https://mariadb.com/kb/en/incremental-backup-and-restore-with-mariadb-backup/">incremental</a>).
 * Staging extracts backup {@code i} of the chain into {@code <scratch>/i} with mbstream and checks
 * it against its manifest; nothing touches the instance. Install prepares the full backup, applies
 * each incremental to it in order (10.11 needs no {@code --apply-log-only}), and only then stops
 * the server, swaps the data directory's contents ({@link DataDirSwap}) and starts it again; any
 * failure from the stop on puts the old contents back and restarts the server.
 */
final class PhysicalRestore implements RestoreSession {

  private static final Logger log = LoggerFactory.getLogger(PhysicalRestore.class);
  private static final Duration EXTRACT_FINISH = Duration.ofMinutes(10);
  private static final Duration PREPARE = Duration.ofHours(24);
  private static final Duration MOVE_BACK = Duration.ofHours(24);
  private static final Duration CHOWN = Duration.ofHours(1);
  private static final Duration START = Duration.ofMinutes(5);
  private static final int COPY_BUFFER = 64 << 10;

  private final ToolCommands commands;
  private final Path scratch;
  private final StagedChain chain;
  private final List<BackupMetadata> staged = new ArrayList<>();
  private final ToolRunner tools;
  private final BinlogReplay replay;
  private final BackupManifest target;
  private final boolean reseed;

  PhysicalRestore(ToolCommands commands, RestoreRequest request) {
    this.commands = commands;
    this.scratch = request.scratchDir().toAbsolutePath();
    this.chain = new StagedChain(request.chain());
    // TZ=UTC: mariadb-binlog reads --stop-datetime in its local time zone
    this.tools = new ToolRunner(scratch, Tools.ENV.with("TZ", "UTC"));
    this.target = request.target();
    this.reseed = request.reseed();
    this.replay =
        request.recoveryTarget() == null
            ? null
            : new BinlogReplay(commands, request.recoveryTarget(), request.archivedLog(), scratch);
  }

  @Override
  public void stage(BackupManifest backup, InputStream stream) throws IOException {
    int index = chain.next(backup);
    Path dir = PhysicalBackupSource.privateDir(dirOf(index));
    ToolProcess mbstream =
        tools.start(
            Program.MBSTREAM.displayName(),
            commands.extract(dir),
            ProcessBuilder.Redirect.PIPE,
            false);
    try {
      copy(stream, mbstream);
      mbstream.check(EXTRACT_FINISH);
    } finally {
      tools.done(mbstream);
    }
    BackupMetadata metadata;
    try {
      metadata = BackupMetadata.read(dir);
    } catch (IOException e) {
      throw new IOException(
          "backup "
              + backup.backupId()
              + " is not a complete mariadb-backup stream: "
              + e.getMessage(),
          e);
    }
    check(backup, index, metadata);
    staged.add(metadata);
    chain.done();
  }

  /**
   * Feeds the stream to mbstream. A failing read (e.g. the runtime found the backup corrupt) is
   * rethrown as it is, after killing mbstream; a failing write means mbstream gave up, which its
   * own output explains.
   */
  private static void copy(InputStream from, ToolProcess to) throws IOException {
    byte[] buffer = new byte[COPY_BUFFER];
    OutputStream sink = to.stdin();
    while (true) {
      int n;
      try {
        n = from.read(buffer);
      } catch (IOException | RuntimeException e) {
        to.kill();
        throw e;
      }
      if (!feed(to, sink, buffer, n)) {
        return;
      }
    }
  }

  /**
   * Writes {@code n} bytes, or with {@code n < 0} closes the tool's stdin; false at end of stream.
   */
  private static boolean feed(ToolProcess to, OutputStream sink, byte[] buffer, int n)
      throws IOException {
    try {
      if (n < 0) {
        sink.close();
        return false;
      }
      sink.write(buffer, 0, n);
      return true;
    } catch (IOException e) {
      int exit = to.await(EXTRACT_FINISH);
      throw new IOException(to.failure(exit), e);
    }
  }

  private void check(BackupManifest backup, int index, BackupMetadata metadata) throws IOException {
    String expectedType = index == 0 ? BackupMetadata.FULL : BackupMetadata.INCREMENTAL;
    if (!expectedType.equals(metadata.backupType())) {
      throw mismatch(
          backup,
          "it is a '"
              + metadata.backupType()
              + "' mariadb-backup backup, not '"
              + expectedType
              + "'");
    }
    String lsn = backup.positions().get(BackupManifest.POSITION_LSN);
    if (lsn != null && !lsn.equals(Long.toString(metadata.toLsn()))) {
      throw mismatch(backup, "its LSN is " + metadata.toLsn() + ", the manifest says " + lsn);
    }
    if (index > 0 && metadata.fromLsn() != staged.get(index - 1).toLsn()) {
      throw mismatch(
          backup,
          "it starts at LSN "
              + metadata.fromLsn()
              + " but its parent ends at LSN "
              + staged.get(index - 1).toLsn());
    }
  }

  private static IOException mismatch(BackupManifest backup, String why) {
    return new IOException("backup " + backup.backupId() + " does not match its manifest: " + why);
  }

  @Override
  public void install(ServerControl server) throws IOException {
    chain.requireComplete();
    Path base = dirOf(0);
    // Prepare in scratch while the server still runs: a failure here has changed nothing.
    try {
      tools.run("mariadb-backup --prepare", commands.prepare(base), PREPARE);
      for (int i = 1; i < chain.size(); i++) {
        tools.run(
            "mariadb-backup --prepare --incremental-dir",
            commands.prepareIncremental(base, dirOf(i)),
            PREPARE);
      }
    } catch (IOException e) {
      throw new IOException(
          "preparing the backup failed, the instance was not changed: " + e.getMessage(), e);
    }
    BackupManifest last = target;
    if (replay != null) {
      replay.files(last); // the archive must continue the backup: checked before anything changes
      replay.requireReachable(tools, last);
    }
    DataDirSwap swap =
        new DataDirSwap(commands.settings().dataDir(), null); // files are chowned by the tool
    swap.checkClean();
    log.info("Restore: stopping MariaDB to replace {}", commands.settings().dataDir());
    try {
      server.stop();
      Path incoming = swap.setAside();
      tools.run("mariadb-backup --move-back", commands.moveBack(base, incoming), MOVE_BACK);
      if (commands.chownNeeded()) {
        tools.run("chown", commands.chown(incoming), CHOWN);
      }
      swap.install();
      if (reseed) {
        swap.keepOwn(PhysicalRestore::instanceFile);
      }
      // the restored server begins a new sequence of binlog files, none of them archived yet
      BinlogArchiving.forgetArchived(commands.settings());
      server.start(START);
      if (replay != null) {
        replay.run(tools, last);
      }
    } catch (IOException | RuntimeException e) {
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

  /**
   * A re-seeded replica keeps its own files from its old contents: its option files ({@code
   * coffer-*.cnf}: its parameters) and its role file ({@code coffer-init.sql}: {@code read_only},
   * so that it takes no stray write between its start and its attach). They describe this instance,
   * not the backed-up data. A plain restore keeps none: it leaves a new standalone instance.
   */
  static boolean instanceFile(String name) {
    return name.startsWith("coffer-") && name.endsWith(".cnf")
        || name.equals(ServerCommand.INIT_FILE);
  }

  private Path dirOf(int index) {
    return scratch.resolve(Integer.toString(index));
  }

  @Override
  public void close() {
    tools.close();
  }
}
