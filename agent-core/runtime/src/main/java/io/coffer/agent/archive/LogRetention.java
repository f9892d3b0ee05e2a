package io.coffer.agent.archive;

import io.coffer.agent.storage.BackupStorage;
import io.coffer.spi.backup.BackupManifest;
import io.coffer.spi.backup.LogArchiving;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an archive to what its backups need: a file stays while some COMPLETED backup of the
 * archive may replay it ({@link LogArchiving#neededAfter}); the rest, older than every backup, is
 * of no use to a point-in-time restore and is deleted. With no backup left, nothing is needed.
 *
 * <p>Run by the agent that writes the archive, on its mutation lane, right after one of its backups
 * was deleted: no backup of that instance runs meanwhile, so no backup whose manifest is not
 * written yet can need a file this removes.
 */
public final class LogRetention {
  private static final Logger log = LoggerFactory.getLogger(LogRetention.class);

  private LogRetention() {}

  /** Names of archive files no backup in {@code kept} needs. */
  static List<String> unneeded(
      List<String> names, List<BackupManifest> kept, LogArchiving archiving) {
    return names.stream()
        .filter(n -> kept.stream().noneMatch(b -> archiving.neededAfter(b, n)))
        .toList();
  }

  /** Lists every COMPLETED backup of the storage. */
  public interface Backups {
    List<BackupManifest> completed() throws IOException;
  }

  /**
   * After {@code deleted} is gone: prunes its archive. A failure only logs: the files stay and the
   * next delete tries again.
   */
  public static void afterDelete(
      BackupStorage storage, BackupManifest deleted, Backups backups, LogArchiving archiving) {
    String archiveId = deleted.positions().get(BackupManifest.POSITION_LOG_ARCHIVE);
    if (archiveId == null) {
      return;
    }
    try {
      int pruned = prune(storage, archiveId, backups.completed(), archiving);
      if (pruned > 0) {
        log.info(
            "log archive {}: removed {} file(s) that no remaining backup needs", archiveId, pruned);
      }
    } catch (IOException | RuntimeException e) {
      log.warn(
          "log archive {}: cannot remove the files no backup needs now ({}); the next delete retries",
          archiveId,
          e.getMessage());
    }
  }

  /**
   * Deletes the files of {@code archiveId} that none of {@code backups} (every COMPLETED backup in
   * the storage; those of other archives are ignored) needs.
   *
   * @return how many were deleted
   */
  public static int prune(
      BackupStorage storage, String archiveId, List<BackupManifest> backups, LogArchiving archiving)
      throws IOException {
    List<BackupManifest> kept =
        backups.stream()
            .filter(b -> archiveId.equals(b.positions().get(BackupManifest.POSITION_LOG_ARCHIVE)))
            .toList();
    List<String> names =
        storage.list(ArchiveLayout.prefix(archiveId)).stream()
            .map(k -> ArchiveLayout.fileName(archiveId, k))
            .toList();
    List<String> doomed = unneeded(names, kept, archiving);
    for (String name : doomed) {
      storage.delete(ArchiveLayout.object(archiveId, name));
    }
    return doomed.size();
  }
}
