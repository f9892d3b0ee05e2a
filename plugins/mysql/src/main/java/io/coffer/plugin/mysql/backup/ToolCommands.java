package io.coffer.plugin.mysql.backup;

import io.coffer.plugin.mysql.server.ServerSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command lines of the tools backup and restore run, as argument lists (never a shell). MariaDB
 * tools get {@code --no-defaults} first, as mariadbd does, so that no my.cnf on the host (which may
 * carry another socket, user or password) changes what they do. Paths are absolute and database
 * names follow {@code --}, so nothing can be read as an option.
 */
final class ToolCommands {

  private final ServerSettings settings;
  private final String adminUser;

  /**
   * @param adminUser the MariaDB account the tools log in as over the socket: {@code root} when the
   *     agent is OS root (unix_socket authentication, as for the plugin's own connections)
   */
  ToolCommands(ServerSettings settings, String adminUser) {
    this.settings = settings;
    this.adminUser = adminUser;
  }

  ServerSettings settings() {
    return settings;
  }

  String path(Program program) {
    return program.find(settings.mariadbd().getParent()).toString();
  }

  List<String> version(Program program) {
    return List.of(path(program), "--version");
  }

  /**
   * A hot backup streamed as xbstream on stdout (<a
   * href="https://mariadb.com/kb/en/mariadb-backup-options/">options</a>); InnoDB is copied without
   * blocking writes. {@code lsnDir} receives a copy of the metadata files ({@code --extra-lsndir}),
   * which a streamed backup otherwise only has inside the stream.
   *
   * @param incrementalLsn for an incremental backup, copy only pages changed after this LSN (<a
   *     href="https://mariadb.com/kb/en/incremental-backup-and-restore-with-mariadb-backup/">incremental
   *     backups</a>); null for a full backup
   */
  List<String> backup(Path targetDir, Path lsnDir, String incrementalLsn) {
    List<String> command = mariadbBackup("--backup");
    command.add("--stream=xbstream");
    command.add("--socket=" + settings.socket());
    command.add("--user=" + adminUser);
    command.add("--datadir=" + settings.dataDir());
    command.add("--target-dir=" + targetDir.toAbsolutePath());
    command.add("--extra-lsndir=" + lsnDir.toAbsolutePath());
    if (incrementalLsn != null) {
      command.add("--incremental-lsn=" + incrementalLsn);
    }
    return command;
  }

  /** Extracts an xbstream read from stdin into {@code dir} (mbstream reads no option files). */
  List<String> extract(Path dir) {
    return List.of(path(Program.MBSTREAM), "-x", "-C", dir.toAbsolutePath().toString());
  }

  /**
   * Makes the full backup in {@code dir} consistent (crash recovery on the copy), with as much
   * memory for InnoDB's buffer pool as the server is given ({@code --use-memory}, default 100 MB:
   * applying the redo log of a busy backup is that much faster, <a
   * href="https://mariadb.com/kb/en/mariabackup-options/#-use-memory">mariabackup options</a>).
   */
  List<String> prepare(Path dir) {
    List<String> command = mariadbBackup("--prepare");
    command.add("--target-dir=" + dir.toAbsolutePath());
    command.add("--use-memory=" + settings.innodbBufferPoolSize());
    return command;
  }

  /**
   * Applies the incremental backup in {@code delta} to the prepared full backup in {@code base}.
   */
  List<String> prepareIncremental(Path base, Path delta) {
    List<String> command = prepare(base);
    command.add("--incremental-dir=" + delta.toAbsolutePath());
    return command;
  }

  /**
   * Moves the prepared backup's files into {@code dataDir}, which must be empty; renames when both
   * are on one file system, copies otherwise.
   */
  List<String> moveBack(Path dir, Path dataDir) {
    List<String> command = mariadbBackup("--move-back");
    command.add("--target-dir=" + dir.toAbsolutePath());
    command.add("--datadir=" + dataDir.toAbsolutePath());
    return command;
  }

  /**
   * A logical dump of {@code databases} with their routines, triggers and events, consistent for
   * InnoDB through one transaction ({@code --single-transaction}; MyISAM and Aria tables are not
   * covered by it). {@code --master-data=2 --gtid} record the binary log position and GTID at that
   * point as comments (<a href="https://mariadb.com/kb/en/mariadb-dump/">mariadb-dump</a>).
   */
  List<String> dump(List<String> databases) {
    List<String> command =
        new ArrayList<>(
            List.of(
                path(Program.MARIADB_DUMP),
                "--no-defaults",
                "--socket=" + settings.socket(),
                "--user=" + adminUser,
                "--single-transaction",
                "--routines",
                "--triggers",
                "--events",
                "--master-data=2",
                "--gtid",
                "--databases",
                "--"));
    command.addAll(databases);
    return command;
  }

  /**
   * The client that replays a dump from stdin; it stops at the first error. {@code --binary-mode}
   * passes the dump's bytes through untouched (no {@code \r\n} translation, NUL allowed) and turns
   * off client commands other than DELIMITER, so data cannot run client commands. By default the
   * client echoes a failing statement, which would put rows or password hashes into error messages:
   * {@code --skip-print-query-on-error}.
   */
  List<String> sqlClient() {
    return List.of(
        path(Program.MARIADB),
        "--no-defaults",
        "--socket=" + settings.socket(),
        "--user=" + adminUser,
        "--binary-mode",
        "--skip-print-query-on-error");
  }

  /**
   * Decodes binary log {@code files} (in order) to SQL on stdout, from {@code startPosition} in the
   * first, up to the first event stamped at or after {@code stopDatetime} (local time of the tool:
   * run it with {@code TZ=UTC}), or to their end when it is null. The output sets each
   * transaction's GTID, so replayed transactions keep their ids.
   */
  List<String> binlogReplay(
      List<Path> files, String startPosition, String stopDatetime, String stopGtids) {
    List<String> command =
        new ArrayList<>(
            List.of(
                path(Program.MARIADB_BINLOG),
                "--no-defaults",
                "--start-position=" + startPosition));
    if (stopDatetime != null) {
      command.add("--stop-datetime=" + stopDatetime);
    }
    if (stopGtids != null) { // validated by GtidTarget: digits, dashes and commas only
      command.add("--stop-position=" + stopGtids);
    }
    files.forEach(f -> command.add(f.toAbsolutePath().toString()));
    return command;
  }

  /** Whether restored files must be handed to the server's OS account (only root can, and must). */
  boolean chownNeeded() {
    return settings.switchUser();
  }

  /** Hands {@code dir} to the server's OS account and that account's login group. */
  List<String> chown(Path dir) {
    return List.of(
        path(Program.CHOWN), "-R", "--", settings.osUser() + ":", dir.toAbsolutePath().toString());
  }

  private List<String> mariadbBackup(String mode) {
    List<String> command = new ArrayList<>();
    command.add(path(Program.MARIADB_BACKUP));
    command.add("--no-defaults"); // must come first
    command.add(mode);
    return command;
  }
}
