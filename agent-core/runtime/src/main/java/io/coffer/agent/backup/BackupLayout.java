package io.coffer.agent.backup;

/**
 * Object names of one backup in storage. Everything lives under {@code <backupId>/} so a backup is
 * listed and removed by prefix.
 */
final class BackupLayout {
  private BackupLayout() {}

  /** Compressed, encrypted engine stream. */
  static String data(String backupId) {
    return backupId + "/data.zst.tink";
  }

  /** The backup's data keyset, encrypted with the master key. */
  static String wrappedKey(String backupId) {
    return backupId + "/key.tink";
  }

  /** Written last; its presence means COMPLETED. */
  static String manifest(String backupId) {
    return backupId + "/" + MANIFEST_NAME;
  }

  static final String MANIFEST_NAME = "manifest.json";

  static String prefix(String backupId) {
    return backupId + "/";
  }
}
