package io.coffer.plugin.postgresql.backup;

import io.coffer.spi.DatastoreException;
import io.coffer.spi.backup.BackupManifest;
import io.coffer.spi.backup.BackupType;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which backups this plugin can restore, checked before anything is staged: one FULL base backup of
 * a PostgreSQL server of the same major version. A base backup is a copy of the data directory,
 * which only a server of the major version that wrote it can read (<a
 * href="https://www.postgresql.org/docs/15/upgrading.html">Upgrading a PostgreSQL Cluster</a>);
 * since PostgreSQL 10 the major version is the first number ("15" of "15.18").
 */
final class ChainRules {

  static final String ENGINE = "postgresql";
  private static final Pattern MAJOR = Pattern.compile("^(\\d+)");

  private ChainRules() {}

  /**
   * @param serverVersion this server's version ({@code SHOW server_version}), or empty when unknown
   * @throws DatastoreException INVALID_ARGUMENT (field {@code backup_id}) when the chain cannot be
   *     restored here
   */
  static void checkChain(List<BackupManifest> chain, String serverVersion) {
    for (BackupManifest backup : chain) {
      if (!ENGINE.equals(backup.engine())) {
        throw invalid(
            "backup "
                + backup.backupId()
                + " is a "
                + backup.engine()
                + " backup; this instance runs "
                + ENGINE);
      }
    }
    BackupManifest first = chain.get(0);
    if (first.type() != BackupType.FULL || chain.size() != 1) {
      throw invalid(
          "backup "
              + chain.get(chain.size() - 1).backupId()
              + " cannot be restored here: the postgresql"
              + " plugin restores one full base backup, and this chain starts with a "
              + first.type()
              + " backup and has "
              + chain.size()
              + " backup(s)");
    }
    Optional<String> server = major(serverVersion);
    Optional<String> taken = major(first.engineVersion());
    if (server.isPresent() && taken.isPresent() && !server.equals(taken)) {
      throw invalid(
          "backup "
              + first.backupId()
              + " was taken from PostgreSQL "
              + first.engineVersion()
              + "; a base backup restores only onto PostgreSQL "
              + taken.get()
              + ", and this server runs "
              + serverVersion);
    }
  }

  /** "15" of "15.18 (Debian 15.18-0+deb12u1)". */
  static Optional<String> major(String version) {
    Matcher m = MAJOR.matcher(version == null ? "" : version.strip());
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  private static DatastoreException invalid(String message) {
    return DatastoreException.invalidArgument("backup_id", message);
  }
}
