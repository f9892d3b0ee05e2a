package io.coffer.spi.backup;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Continuous archiving of the engine's transaction log, the other half of point-in-time restore: a
 * restore replays archived log on top of a base backup up to a target (<a
 * href="https://www.postgresql.org/docs/15/continuous-archiving.html">PostgreSQL: Continuous
 * Archiving and Point-in-Time Recovery</a>; MariaDB: binary log files replayed by {@code
 * mariadb-binlog}).
 *
 * <p>The engine hands over each log file it has completed; the runtime stores it through the backup
 * pipeline (zstd, encryption, storage) under the instance's archive, then calls {@link #archived}
 * so the plugin can drop its copy. Until then the file must stay where {@link #ready()} found it:
 * an agent that is stopped, killed or cut off from storage archives it later, never loses it.
 *
 * <p>Called from the runtime's archiver thread (never the mutation lane), except {@link
 * #switchLog}, which a command calls. Implementations must be safe for that.
 */
public interface LogArchiving {

  /**
   * Completed log files waiting to be archived, oldest first. Cheap (a directory listing or one
   * query); the runtime calls it every few seconds.
   */
  List<LogFile> ready() throws IOException;

  /**
   * {@code file} is stored durably in the archive; the plugin may now remove or recycle its copy.
   */
  void archived(LogFile file) throws IOException;

  /**
   * Closes the log file being written, so that everything committed so far is in completed files
   * (PostgreSQL: {@code pg_switch_wal()}; MariaDB: {@code FLUSH BINARY LOGS}).
   *
   * @return the name of the last file that must be archived for everything committed before this
   *     call to be in the archive
   * @throws io.coffer.spi.DatastoreException FAILED_PRECONDITION when this server does not write
   *     the log being archived (e.g. a standby in recovery)
   */
  String switchLog();

  /**
   * Whether archived file {@code name} may be needed to replay from the end of backup {@code base}
   * onward (files from older positions are left in storage by a restore). When unsure, answer true:
   * an unneeded file costs a download, a missing one fails the restore.
   */
  boolean neededAfter(BackupManifest base, String name);

  /**
   * How long a committed transaction may stay in the current, not yet completed file (PostgreSQL:
   * {@code archive_timeout}); so this is how far behind the archive may be.
   */
  Duration maxDelay();
}
