package io.coffer.plugin.postgresql.backup;

import io.coffer.plugin.kit.Directories;
import io.coffer.plugin.kit.datadir.DataDirSwap;
import io.coffer.plugin.kit.sql.Sql;
import io.coffer.plugin.postgresql.server.ServerSettings;
import io.coffer.plugin.postgresql.sql.SocketConnector;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.backup.RecoveryTarget;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recovery half of a point-in-time restore (<a
 * href="https://www.postgresql.org/docs/15/continuous-archiving.html#BACKUP-PITR-RECOVERY">Recovering
 * Using a Continuous Archive Backup</a>): with the base backup in place and the server stopped, it
 * puts the archived WAL where {@code restore_command} copies it from, appends the recovery settings
 * to {@code postgresql.auto.conf} and creates {@code recovery.signal}. The server then replays WAL
 * up to {@code recovery_target_time} and promotes itself ({@code recovery_target_action =
 * 'promote'}), starting a new timeline. Once it is out of recovery the settings are removed with
 * {@code ALTER SYSTEM RESET}, so the instance runs as any other primary.
 *
 * <p>When recovery cannot reach the target (PostgreSQL 13 and later stop with FATAL "recovery ended
 * before configured recovery target was reached", e.g. when no transaction committed after the
 * target is in the archive yet) the server's own message is reported and the caller puts the empty
 * instance back.
 */
final class PointInTimeRecovery {
  private static final Logger log = LoggerFactory.getLogger(PointInTimeRecovery.class);

  /** What may appear unquoted in restore_command's shell line. */
  private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9/._+-]+");

  private static final Pattern LSN = Pattern.compile("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}");

  /**
   * What Coffer accepts as a restore point name: plain, so it needs no quoting (PostgreSQL allows
   * 63 bytes).
   */
  private static final Pattern RESTORE_POINT = Pattern.compile("[A-Za-z0-9_.-]{1,63}");

  private static final DateTimeFormatter PG_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS'+00'").withZone(ZoneOffset.UTC);
  private static final List<String> SETTINGS =
      List.of(
          "restore_command",
          "recovery_target_time",
          "recovery_target_action",
          "recovery_target_inclusive",
          "recovery_target_timeline");
  static final String SIGNAL = "recovery.signal";
  private static final Duration POLL = Duration.ofMillis(250);

  /**
   * FATALs that end a client's session (e.g. the agent's probe connecting too early), not the
   * server.
   */
  private static final List<String> CLIENT_FATAL =
      List.of(
          "the database system is",
          "terminating connection",
          "authentication failed",
          "pg_hba.conf",
          "does not exist");

  private final ServerSettings settings;
  private final SocketConnector connector;
  private final RecoveryTarget target;
  private final Path archivedLog;
  private long logOffset;

  PointInTimeRecovery(
      ServerSettings settings, SocketConnector connector, RecoveryTarget target, Path archivedLog) {
    this.settings = settings;
    this.connector = connector;
    this.target = target;
    this.archivedLog = archivedLog;
  }

  /** With the server stopped and the base backup installed: sets up the recovery. */
  void configure() throws IOException {
    Path wal = settings.restoreWalDir();
    String dir = wal.toString();
    if (!SHELL_SAFE.matcher(dir).matches()) {
      throw new IOException(
          "the restore WAL directory "
              + dir
              + " has characters that restore_command cannot"
              + " carry safely; choose a data directory path of letters, digits and /._+-");
    }
    DataDirSwap.deleteTree(wal);
    Directories.ensure(wal, PosixFilePermissions.fromString("rwx------"), settings.serverUser());
    try (Stream<Path> files = Files.list(archivedLog)) {
      for (Path f : files.toList()) {
        Path to =
            Files.move(
                f, wal.resolve(f.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
        if (settings.serverUser() != null) {
          settings.serverUser().chown(to);
        }
      }
    }
    String lines =
        "\n# Coffer point-in-time restore; removed once recovery has ended\n"
            + "restore_command = 'cp \""
            + dir
            + "/%f\" \"%p\"'\n"
            + (target.endOfArchive()
                ? "" // recovery then ends, and the server promotes itself, at the end of the
                // archive
                : targetSetting()
                    + "recovery_target_inclusive = on\n"
                    + "recovery_target_action = 'promote'\n")
            + "recovery_target_timeline = 'latest'\n";
    Files.writeString(
        settings.dataDir().resolve("postgresql.auto.conf"),
        lines,
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
    Path signal = settings.dataDir().resolve(SIGNAL);
    Files.deleteIfExists(signal);
    Files.createFile(
        signal, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    if (settings.serverUser() != null) {
      settings.serverUser().chown(signal);
    }
    logOffset = Files.exists(settings.outputLog()) ? Files.size(settings.outputLog()) : 0;
    log.info("Restore: replaying archived WAL up to {}", where());
  }

  /**
   * With the server started: waits until recovery has ended and the server promoted itself, then
   * removes the recovery settings.
   *
   * @throws IOException with the server's FATAL message when recovery failed, or on timeout
   */
  void awaitPromotion(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try (Connection c = connector.connect("postgres")) {
        if (!Sql.exists(c, "SELECT 1 WHERE pg_is_in_recovery()")) {
          for (String name : SETTINGS) {
            Sql.ddl(c, "ALTER SYSTEM RESET " + name); // fixed names, nothing user-supplied
          }
          Sql.query(c, "SELECT pg_reload_conf()", r -> r.getBoolean(1));
          break;
        }
      } catch (SQLException e) {
        // not accepting connections yet, or it stopped: its log says which
      }
      String fatal = fatalSinceStart();
      if (fatal != null) {
        throw new IOException("PostgreSQL could not recover to " + where() + ": " + fatal);
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(
            "recovery to " + where() + " did not end within " + timeout.toMinutes() + " min");
      }
      sleep();
    }
    DataDirSwap.deleteTree(settings.restoreWalDir());
    log.info("Restore: recovered to {} and promoted", where());
  }

  private String where() {
    return target.endOfArchive()
        ? "the end of the archive"
        : target.lsn() != null
            ? "LSN " + target.lsn()
            : target.name() != null
                ? "restore point " + target.name()
                : PG_TIME.format(target.time());
  }

  /**
   * The recovery_target_* line; the LSN and the name were validated ({@link #check}), so need no
   * escaping.
   */
  private String targetSetting() {
    if (target.lsn() != null) {
      return "recovery_target_lsn = '" + target.lsn() + "'\n";
    }
    if (target.name() != null) {
      return "recovery_target_name = '" + target.name() + "'\n";
    }
    return "recovery_target_time = '" + PG_TIME.format(target.time()) + "'\n";
  }

  /**
   * Refuses targets PostgreSQL would misread, before anything runs.
   *
   * @throws DatastoreException INVALID_ARGUMENT naming target_lsn or target_name
   */
  static void check(RecoveryTarget target) {
    if (target.gtid() != null) {
      throw DatastoreException.invalidArgument(
          "target_gtid",
          "PostgreSQL has no GTIDs; give a time, an LSN"
              + " (target_lsn) or a restore point (target_name)");
    }
    if (target.lsn() != null && !LSN.matcher(target.lsn()).matches()) {
      throw DatastoreException.invalidArgument(
          "target_lsn", "must be a PostgreSQL LSN such as 0/3000060");
    }
    if (target.name() != null && !RESTORE_POINT.matcher(target.name()).matches()) {
      throw DatastoreException.invalidArgument(
          "target_name", "must be a restore point name of 1-63 characters of [A-Za-z0-9_.-]");
    }
  }

  /** Removes what {@link #configure} left, after a failure. */
  void cleanUp() {
    try {
      DataDirSwap.deleteTree(settings.restoreWalDir());
    } catch (IOException e) {
      log.warn("cannot remove {}: {}", settings.restoreWalDir(), e.toString());
    }
  }

  private String fatalSinceStart() throws IOException {
    Path file = settings.outputLog();
    if (!Files.exists(file) || Files.size(file) <= logOffset) {
      return null;
    }
    byte[] bytes;
    try (var in = Files.newInputStream(file)) {
      in.skipNBytes(logOffset);
      bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, Files.size(file) - logOffset));
    }
    for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
      int at = line.indexOf("FATAL:");
      if (at >= 0 && CLIENT_FATAL.stream().noneMatch(line::contains)) {
        return line.substring(at + "FATAL:".length()).strip();
      }
    }
    return null;
  }

  private static void sleep() throws IOException {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for recovery");
    }
  }
}
