package io.coffer.plugin.postgresql.backup;

import io.coffer.plugin.kit.sql.AdminSession;
import io.coffer.plugin.kit.sql.Sql;
import io.coffer.plugin.postgresql.server.ServerSettings;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.backup.BackupManifest;
import io.coffer.spi.backup.LogArchiving;
import io.coffer.spi.backup.LogFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Continuous WAL archiving (<a
 * href="https://www.postgresql.org/docs/15/continuous-archiving.html#BACKUP-ARCHIVING-WAL">Setting
 * Up WAL Archiving</a>) without a shell: the server runs with {@code archive_mode = on} and the
 * contrib module <a href="https://www.postgresql.org/docs/15/basic-archive.html">basic_archive</a>
 * as its {@code archive_library}, which copies each completed segment (and history file) into the
 * spool directory beside the data directory, fsyncs it and renames it into place; only then does
 * the server count it archived and recycle its own copy. The agent stores the spooled files and
 * deletes each once it is in the archive. {@code archive_timeout} bounds how long a commit waits in
 * an unfinished segment ({@link ServerSettings}, 5 min by default).
 *
 * <p>A standby archives too ({@code archive_mode = always}), the WAL it receives from its primary,
 * into its own archive: backups taken on it are restored to a point in time from there. {@link
 * #switchLog} runs on a primary only; a standby completes its segment when the primary switches.
 */
public final class WalArchiving implements LogArchiving {
  private final ServerSettings settings;
  private final AdminSession admin;

  public WalArchiving(ServerSettings settings, AdminSession admin) {
    this.settings = settings;
    this.admin = admin;
  }

  @Override
  public List<LogFile> ready() throws IOException {
    Path spool = settings.walSpoolDir();
    if (!Files.isDirectory(spool)) {
      return List.of(); // the server has not been prepared yet
    }
    try (Stream<Path> files = Files.list(spool)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(
              WalFileName::archivable) // basic_archive's "archtemp*" files are still being written
          .sorted()
          .map(n -> new LogFile(n, spool.resolve(n)))
          .toList();
    }
  }

  @Override
  public void archived(LogFile file) throws IOException {
    try {
      Files.delete(file.path());
    } catch (NoSuchFileException ignored) {
      // archived twice (a retry): already gone
    }
  }

  @Override
  public String switchLog() {
    return admin.execute(
        "switch the WAL file",
        false,
        c -> {
          if (Sql.exists(c, "SELECT 1 WHERE pg_is_in_recovery()")) {
            throw DatastoreException.failedPrecondition(
                "this server is a standby in recovery; its primary archives the WAL");
          }
          // A transaction with an xid writes a commit record stamped with the current time.
          // Recovery to a
          // target time stops at the first commit after it, and fails when there is none
          // (PostgreSQL 13+);
          // this one makes every time up to the flush reachable, even on an idle server.
          Sql.query(c, "SELECT pg_current_xact_id()", r -> r.getString(1));
          // pg_switch_wal() returns the end of the segment it completed (or the current position,
          // when
          // nothing was written since the last switch); pg_walfile_name names the segment before it
          return Sql.query(c, "SELECT pg_walfile_name(pg_switch_wal())", r -> r.getString(1))
              .get(0);
        });
  }

  /**
   * Timeline history files, and segments on the backup's timeline or later from the one holding the
   * backup's start point on (recovery begins at the checkpoint the backup started from).
   */
  @Override
  public boolean neededAfter(BackupManifest base, String name) {
    if (WalFileName.history(name)) {
      return true;
    }
    Optional<WalFileName.Segment> segment = WalFileName.segment(name);
    if (segment.isEmpty()) {
      return false; // .backup and .partial files: recovery never asks for them
    }
    String start = base.positions().get(BackupPositions.START_LSN);
    String timeline = base.positions().get(BackupPositions.TIMELINE);
    if (start == null || timeline == null) {
      return true;
    }
    return segment.get().timeline() >= Long.parseLong(timeline)
        && segment.get().number() >= WalFileName.segmentOf(start);
  }

  @Override
  public Duration maxDelay() {
    return settings.archiveTimeout();
  }
}
