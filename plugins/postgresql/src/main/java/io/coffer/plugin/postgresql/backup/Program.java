package io.coffer.plugin.postgresql.backup;

import io.coffer.spi.DatastoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The programs backup and restore run, found when needed rather than at start, so that an instance
 * without them still serves everything but backups. PostgreSQL's programs are taken only from the
 * server's {@code binDir} (client and server must be the same major version; Debian's wrappers in
 * /usr/bin choose a version by themselves).
 */
enum Program {
  /** <a href="https://www.postgresql.org/docs/15/app-pgbasebackup.html">pg_basebackup</a>. */
  PG_BASEBACKUP("pg_basebackup", "postgresql-client-15"),
  /** <a href="https://www.postgresql.org/docs/15/app-pgverifybackup.html">pg_verifybackup</a>. */
  PG_VERIFYBACKUP("pg_verifybackup", "postgresql-client-15");

  /**
   * The version in a PostgreSQL tool's {@code --version} output: "pg_basebackup (PostgreSQL) 15.18
   * (Debian 15.18-0+deb12u1)" gives "15.18".
   */
  static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+(?:\\.\\d+)*)");

  private final String fileName;
  private final String debianPackage;

  Program(String fileName, String debianPackage) {
    this.fileName = fileName;
    this.debianPackage = debianPackage;
  }

  /** The name recorded in manifests and shown in messages. */
  String displayName() {
    return fileName;
  }

  /**
   * @param binDir the directory holding the server's programs
   * @throws DatastoreException FAILED_PRECONDITION naming the package to install when it is missing
   */
  Path find(Path binDir) {
    Path candidate = binDir.resolve(fileName);
    if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
      return candidate;
    }
    throw DatastoreException.failedPrecondition(
        fileName
            + " is not installed (looked in "
            + binDir
            + "); install the "
            + debianPackage
            + " package");
  }
}
