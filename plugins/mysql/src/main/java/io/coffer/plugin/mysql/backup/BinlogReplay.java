package io.coffer.plugin.mysql.backup;

import io.coffer.plugin.kit.ToolProcess;
import io.coffer.plugin.kit.ToolRunner;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.backup.BackupManifest;
import io.coffer.spi.backup.RecoveryTarget;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log half of a point-in-time restore (<a
 * href="https://mariadb.com/kb/en/using-mariadb-binlog/">Using mariadb-binlog</a>): once the
 * physical backup runs, the archived binary logs from the backup's binlog position on are decoded
 * by mariadb-binlog up to the target and replayed by the mariadb client as the admin account.
 *
 * <p>Binary log events carry whole seconds, so the restore stops at the start of the second the
 * target falls in ({@code --stop-datetime}): no transaction after the target is replayed, and those
 * committed earlier in that same second are not either. A GTID target is exact: up to and including
 * that transaction ({@code --stop-position} with GTIDs, MariaDB 10.8 and later), and checked
 * against the archive before the instance is touched ({@link #requireReachable}).
 */
final class BinlogReplay {
  private static final Logger log = LoggerFactory.getLogger(BinlogReplay.class);
  private static final DateTimeFormatter BINLOG_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
  private static final Duration DECODE = Duration.ofHours(24);
  private static final Duration REPLAY = Duration.ofHours(24);

  private final ToolCommands commands;
  private final RecoveryTarget target;
  private final Path archivedLog;
  private final Path scratch;

  BinlogReplay(ToolCommands commands, RecoveryTarget target, Path archivedLog, Path scratch) {
    this.commands = commands;
    this.target = target;
    this.archivedLog = archivedLog;
    this.scratch = scratch;
  }

  /**
   * The archived files in binlog order, starting with the one the backup's position is in.
   *
   * @throws IOException when the backup has no binlog position or the archive lacks its file
   */
  List<Path> files(BackupManifest base) throws IOException {
    String first = base.positions().get(BackupManifest.POSITION_BINLOG_FILE);
    String offset = base.positions().get(BackupManifest.POSITION_BINLOG_OFFSET);
    if (first == null || offset == null || !offset.matches("\\d{1,19}")) {
      throw new IOException(
          "backup " + base.backupId() + " records no binary log position to replay from");
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(archivedLog)) {
      files =
          s.filter(p -> BinlogArchiving.index(p.getFileName().toString()).isPresent())
              .sorted(
                  Comparator.comparingLong(
                      p -> BinlogArchiving.index(p.getFileName().toString()).getAsLong()))
              .toList();
    }
    if (files.isEmpty() || !files.get(0).getFileName().toString().equals(first)) {
      throw new IOException(
          "the log archive lacks "
              + first
              + ", where backup "
              + base.backupId()
              + " ends; it cannot be restored to a point in time");
    }
    return files;
  }

  /**
   * Before anything changes, for a GTID target: the archived files after the backup must reach it
   * (mariadb-binlog warns "Did not reach stop position" at their end otherwise).
   *
   * @throws DatastoreException INVALID_ARGUMENT (target_gtid) when they do not
   */
  void requireReachable(ToolRunner tools, BackupManifest base) throws IOException {
    if (target.gtid() == null) {
      return;
    }
    ToolProcess decode =
        tools.start(
            Program.MARIADB_BINLOG.displayName(),
            commands.binlogReplay(
                files(base),
                base.positions().get(BackupManifest.POSITION_BINLOG_OFFSET),
                null,
                target.gtid()),
            ProcessBuilder.Redirect.from(new File("/dev/null")),
            true);
    try {
      decode.stdout().transferTo(OutputStream.nullOutputStream());
      decode.check(DECODE);
      if (decode.tail().contains("Did not reach stop position")) {
        throw DatastoreException.invalidArgument(
            "target_gtid",
            target.gtid()
                + " is not in the archived binary logs"
                + " after backup "
                + base.backupId()
                + "; if it committed recently, flush the archive (coffer archive"
                + " flush) and retry");
      }
    } finally {
      tools.done(decode);
    }
  }

  /** With the restored server running: replays up to the target. */
  void run(ToolRunner tools, BackupManifest base) throws IOException {
    List<Path> files = files(base);
    String stop =
        target.endOfArchive() || target.time() == null
            ? null
            : BINLOG_TIME.format(target.time().truncatedTo(ChronoUnit.SECONDS));
    Path sql = scratch.resolve("binlog-replay.sql");
    Files.deleteIfExists(sql);
    // decoded rows are user data: readable by the agent only
    Files.createFile(
        sql, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    log.info(
        "Restore: replaying {} archived binary log file(s) from {}:{} up to {}",
        files.size(),
        files.get(0).getFileName(),
        base.positions().get(BackupManifest.POSITION_BINLOG_OFFSET),
        target.gtid() != null
            ? "GTID " + target.gtid()
            : stop == null ? "their end" : stop + " UTC");
    ToolProcess decode =
        tools.start(
            Program.MARIADB_BINLOG.displayName(),
            commands.binlogReplay(
                files,
                base.positions().get(BackupManifest.POSITION_BINLOG_OFFSET),
                stop,
                target.gtid()),
            ProcessBuilder.Redirect.from(new File("/dev/null")),
            true);
    try (OutputStream out = Files.newOutputStream(sql, StandardOpenOption.WRITE)) {
      decode.stdout().transferTo(out);
      decode.check(DECODE);
    } finally {
      tools.done(decode);
    }
    tools.run(
        Program.MARIADB.displayName(),
        commands.sqlClient(),
        ProcessBuilder.Redirect.from(sql.toFile()),
        REPLAY);
    Files.delete(sql);
  }
}
