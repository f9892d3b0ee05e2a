package io.coffer.agent.archive;

import io.coffer.agent.storage.BackupStorage;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.backup.BackupManifest;
import io.coffer.spi.backup.LogArchiving;
import io.coffer.spi.backup.RecoveryTarget;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

/**
 * The log part of a point-in-time restore: picks the archived files a restore needs, checks that
 * the archive reaches the target, and downloads them (verified, decrypted) into a directory.
 */
public final class LogFetch {
  private final BackupStorage storage;
  private final String archiveId;
  private final List<String> names;

  private LogFetch(BackupStorage storage, String archiveId, List<String> names) {
    this.storage = storage;
    this.archiveId = archiveId;
    this.names = names;
  }

  /**
   * The log a point-in-time restore of {@code base} to {@code target} needs, checked first: the
   * backup names its archive, the target is after the backup ended and not after the newest
   * archived file.
   *
   * @throws DatastoreException FAILED_PRECONDITION (no archive, or nothing archived after the
   *     backup), INVALID_ARGUMENT (field target_time), UNAVAILABLE (storage)
   */
  public static LogFetch forRestore(
      BackupStorage storage, LogArchiving archiving, BackupManifest base, RecoveryTarget target) {
    String archiveId = base.positions().get(BackupManifest.POSITION_LOG_ARCHIVE);
    if (archiveId == null) {
      throw DatastoreException.failedPrecondition(
          "backup "
              + base.backupId()
              + " was taken without log archiving,"
              + " so it cannot be restored to a point in time; restore it without a target time");
    }
    Instant time = target.time();
    if (time != null && base.finishedAt() != null && time.isBefore(base.finishedAt())) {
      throw DatastoreException.invalidArgument(
          "target_time",
          time
              + " is before backup "
              + base.backupId()
              + " finished ("
              + base.finishedAt()
              + "); choose a later time or an earlier backup");
    }
    try {
      LogFetch fetch = plan(storage, archiveId, name -> archiving.neededAfter(base, name));
      Instant newest = fetch.newestArchivedAt();
      if (time != null && time.isAfter(newest)) {
        throw DatastoreException.invalidArgument(
            "target_time",
            time
                + " is after the newest archived log of "
                + archiveId
                + " (archived "
                + newest
                + "); the archive may lag by up to "
                + archiving.maxDelay().toSeconds()
                + " s: flush it (coffer archive flush) or wait");
      }
      return fetch;
    } catch (IOException e) {
      throw DatastoreException.unavailable(
          "cannot read the log archive " + archiveId + " from " + storage + ": " + e.getMessage(),
          e);
    }
  }

  /**
   * The files of archive {@code archiveId} that {@code needed} accepts, in name (= log) order.
   *
   * @throws DatastoreException FAILED_PRECONDITION when there are none
   */
  public static LogFetch plan(BackupStorage storage, String archiveId, Predicate<String> needed)
      throws IOException {
    String prefix = ArchiveLayout.prefix(archiveId);
    List<String> names =
        storage.list(prefix).stream()
            .map(k -> ArchiveLayout.fileName(archiveId, k))
            .filter(n -> !n.contains("/") && needed.test(n))
            .sorted()
            .toList();
    if (names.isEmpty()) {
      throw DatastoreException.failedPrecondition(
          "the log archive "
              + archiveId
              + " in "
              + storage
              + " holds no log written after the backup, so it cannot be restored to a point in time yet");
    }
    return new LogFetch(storage, archiveId, names);
  }

  public List<String> names() {
    return names;
  }

  /** When the newest file was archived: nothing committed after it can be in the archive. */
  public Instant newestArchivedAt() throws IOException {
    String key = ArchiveLayout.object(archiveId, names.get(names.size() - 1));
    try (InputStream in = storage.open(key)) {
      return LogObject.header(in, key).archivedAt();
    }
  }

  /**
   * Downloads every planned file into {@code dir} under its own name, each read to its end (so
   * fully authenticated) before it appears there.
   *
   * @return bytes written
   * @throws io.coffer.agent.storage.BackupIntegrityException when a file is corrupt, altered or
   *     encrypted under another key
   */
  public long into(Path dir, ArchiveKeys.PrivateKey key) throws IOException {
    Files.createDirectories(dir);
    long total = 0;
    for (String name : names) {
      String objectKey = ArchiveLayout.object(archiveId, name);
      Path temp = dir.resolve(name + ".part");
      try (InputStream in = storage.open(objectKey);
          InputStream content =
              LogObject.content(in, LogObject.header(in, objectKey), objectKey, key);
          OutputStream out = Files.newOutputStream(temp)) {
        total += content.transferTo(out);
      }
      Files.move(
          temp,
          dir.resolve(name),
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    }
    return total;
  }
}
