package io.coffer.plugin.mysql.backup;

import io.coffer.spi.DatastoreException;
import io.coffer.spi.backup.BackupManifest;
import io.coffer.spi.backup.BackupType;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which backups this plugin can build on and restore, checked before any tool runs. A restore chain
 * is one LOGICAL backup, or one FULL backup followed by INCREMENTALs, each taken on top of the one
 * before. Physical backups restore only onto the MariaDB major version that took them
 * (mariadb-backup prepares with its own server's InnoDB; see <a
 * href="https://mariadb.com/kb/en/mariadb-backup-overview/">mariadb-backup overview</a>); logical
 * ones are SQL and restore across versions.
 */
final class ChainRules {

  static final String ENGINE = "mysql";
  private static final Pattern LSN = Pattern.compile("[0-9]{1,19}");
  private static final Pattern MAJOR_MINOR = Pattern.compile("^(\\d+)\\.(\\d+)\\.");

  private ChainRules() {}

  /**
   * The LSN an incremental backup on top of {@code parent} starts from.
   *
   * @throws DatastoreException INVALID_ARGUMENT (field {@code parent_id}) when the parent is not a
   *     physical MariaDB backup with an LSN
   */
  static String parentLsn(BackupManifest parent) {
    String id = parent.backupId();
    if (!ENGINE.equals(parent.engine())) {
      throw DatastoreException.invalidArgument(
          "parent_id",
          "backup "
              + id
              + " is a "
              + parent.engine()
              + " backup; an incremental "
              + ENGINE
              + " backup needs a "
              + ENGINE
              + " parent");
    }
    if (parent.type() != BackupType.FULL && parent.type() != BackupType.INCREMENTAL) {
      throw DatastoreException.invalidArgument(
          "parent_id",
          "backup "
              + id
              + " is a "
              + parent.type()
              + " backup; an incremental backup needs a full or incremental parent");
    }
    String lsn = parent.positions().get(BackupManifest.POSITION_LSN);
    if (lsn == null || !LSN.matcher(lsn).matches() || !fitsLong(lsn)) {
      throw DatastoreException.invalidArgument(
          "parent_id",
          "backup "
              + id
              + " records no valid InnoDB LSN (positions."
              + BackupManifest.POSITION_LSN
              + " = "
              + lsn
              + "); take a full backup to start a new chain");
    }
    return lsn;
  }

  /**
   * @param serverVersion this server's version ({@code SELECT VERSION()}), or empty when unknown
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
    if (first.type() == BackupType.LOGICAL) {
      if (chain.size() != 1) {
        throw invalid(
            "logical backup "
                + first.backupId()
                + " is restored on its own, not as part of a chain");
      }
      return;
    }
    if (first.type() != BackupType.FULL) {
      throw invalid(
          "the chain must start with a full backup, not "
              + first.type()
              + " backup "
              + first.backupId());
    }
    for (int i = 1; i < chain.size(); i++) {
      BackupManifest parent = chain.get(i - 1);
      BackupManifest child = chain.get(i);
      if (child.type() != BackupType.INCREMENTAL || !parent.backupId().equals(child.parentId())) {
        throw invalid(
            "backup "
                + child.backupId()
                + " ("
                + child.type()
                + ") does not build on "
                + parent.backupId()
                + "; a chain is a full backup and incrementals, each on the one before");
      }
      String parentLsn = parent.positions().get(BackupManifest.POSITION_LSN);
      String childFrom = child.positions().get(BackupMetadata.FROM_LSN);
      if (parentLsn != null && childFrom != null && !parentLsn.equals(childFrom)) {
        throw invalid(
            "backup "
                + child.backupId()
                + " starts at LSN "
                + childFrom
                + " but its parent "
                + parent.backupId()
                + " ends at LSN "
                + parentLsn);
      }
    }
    Optional<String> server = majorMinor(serverVersion);
    for (BackupManifest backup : chain) {
      Optional<String> taken = majorMinor(backup.engineVersion());
      if (server.isPresent() && taken.isPresent() && !server.equals(taken)) {
        throw invalid(
            "backup "
                + backup.backupId()
                + " was taken from MariaDB "
                + backup.engineVersion()
                + "; a physical backup restores only onto MariaDB "
                + taken.get()
                + ".x, and this server runs "
                + serverVersion
                + " (a logical backup can move between versions)");
      }
    }
  }

  /** "10.11" of "10.11.19-MariaDB-0+deb12u1-log". */
  static Optional<String> majorMinor(String version) {
    Matcher m = MAJOR_MINOR.matcher(version == null ? "" : version);
    return m.find() ? Optional.of(m.group(1) + "." + m.group(2)) : Optional.empty();
  }

  private static boolean fitsLong(String digits) {
    try {
      Long.parseLong(digits);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static DatastoreException invalid(String message) {
    return DatastoreException.invalidArgument("backup_id", message);
  }
}
