package io.coffer.agent.archive;

import io.coffer.agent.storage.BackupStorage;

/**
 * Object names of a log archive, beside the backups in the same storage: {@code
 * logs/<archiveId>/<file name>}. The archive id is the instance id, so instances sharing a storage
 * never mix their logs, and a restored instance (which starts a new history) archives apart from
 * its source.
 */
public final class ArchiveLayout {
  private ArchiveLayout() {}

  /**
   * @throws IllegalArgumentException when the id cannot be a key segment
   */
  public static String prefix(String archiveId) {
    BackupStorage.checkKey("logs/" + archiveId + "/x");
    if (archiveId.contains("/")) {
      throw new IllegalArgumentException("an archive id is one key segment: " + archiveId);
    }
    return "logs/" + archiveId + "/";
  }

  public static String object(String archiveId, String fileName) {
    return BackupStorage.checkKey(prefix(archiveId) + fileName);
  }

  /** The file name of an object listed under {@link #prefix}. */
  static String fileName(String archiveId, String key) {
    return key.substring(prefix(archiveId).length());
  }
}
