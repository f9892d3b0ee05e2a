package io.coffer.plugin.mysql.backup;

import io.coffer.spi.DatastoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The programs backup and restore run, found when needed rather than at start: mariadb-backup is a
 * separate Debian package, and an instance without it still serves everything but physical backups.
 * Looked up next to mariadbd first (the {@code binDir} setting), then on PATH, then in the usual
 * Debian directories: Debian keeps mariadbd in /usr/sbin but the clients in /usr/bin.
 */
enum Program {
  /**
   * <a href="https://mariadb.com/kb/en/mariadb-backup-overview/">mariadb-backup</a>, formerly
   * mariabackup.
   */
  MARIADB_BACKUP("mariadb-backup", List.of("mariadb-backup", "mariabackup")),
  /**
   * <a href="https://mariadb.com/kb/en/mbstream/">mbstream</a>, which extracts xbstream archives.
   */
  MBSTREAM("mariadb-backup", List.of("mbstream")),
  /** <a href="https://mariadb.com/kb/en/mariadb-dump/">mariadb-dump</a>. */
  MARIADB_DUMP("mariadb-client", List.of("mariadb-dump")),
  /**
   * The <a href="https://mariadb.com/kb/en/mariadb-command-line-client/">mariadb</a> command-line
   * client.
   */
  MARIADB("mariadb-client", List.of("mariadb")),
  /**
   * <a href="https://mariadb.com/kb/en/mariadb-binlog/">mariadb-binlog</a>, which decodes binary
   * logs to SQL.
   */
  MARIADB_BINLOG("mariadb-client", List.of("mariadb-binlog", "mysqlbinlog")),
  CHOWN("coreutils", List.of("chown"));

  /**
   * The version in a MariaDB tool's {@code --version} output: "mariadb-backup based on MariaDB
   * server 10.11.19-MariaDB debian-linux-gnu (x86_64)" and "mariadb-dump Ver 10.19 Distrib
   * 10.11.19-MariaDB, for debian-linux-gnu (x86_64)" both give "10.11.19-MariaDB".
   */
  static final Pattern VERSION = Pattern.compile("\\d+\\.\\d+\\.\\d+-MariaDB");

  private static final List<Path> FALLBACK_DIRS =
      List.of(Path.of("/usr/bin"), Path.of("/usr/sbin"), Path.of("/bin"));

  private final String debianPackage;
  private final List<String> names;

  Program(String debianPackage, List<String> names) {
    this.debianPackage = debianPackage;
    this.names = names;
  }

  /** The name recorded in manifests and shown in messages. */
  String displayName() {
    return names.get(0);
  }

  /**
   * @param serverBinDir the directory holding mariadbd
   * @throws DatastoreException FAILED_PRECONDITION naming the package to install when it is missing
   */
  Path find(Path serverBinDir) {
    List<Path> dirs = new ArrayList<>();
    if (serverBinDir != null) {
      dirs.add(serverBinDir);
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty()
          && Path.of(dir).isAbsolute()) { // never "." or other working-directory lookups
        dirs.add(Path.of(dir));
      }
    }
    dirs.addAll(FALLBACK_DIRS);
    return find(dirs);
  }

  /** The first of the program's names found in {@code dirs}, searched in order. */
  Path find(List<Path> dirs) {
    for (String name : names) {
      for (Path dir : dirs) {
        Path candidate = dir.resolve(name);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    throw DatastoreException.failedPrecondition(
        displayName()
            + " is not installed (looked in "
            + dirs
            + "); install the "
            + debianPackage
            + " package");
  }
}
