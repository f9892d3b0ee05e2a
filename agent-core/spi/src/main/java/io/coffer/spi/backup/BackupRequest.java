package io.coffer.spi.backup;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What the runtime asks a {@link BackupStrategy} to back up.
 *
 * @param backupId the new backup's id (for logs and the tool's own labels)
 * @param type full, incremental or logical
 * @param parent the COMPLETED backup an incremental one builds on (its {@link
 *     BackupManifest#positions()} carry e.g. the LSN to start from); null for other types
 * @param scratchDir an empty directory private to this backup, under the agent's state directory,
 *     for the tool's temporary files; the runtime deletes it afterwards
 */
public record BackupRequest(
    String backupId, BackupType type, BackupManifest parent, Path scratchDir) {
  public BackupRequest {
    Objects.requireNonNull(backupId, "backupId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(scratchDir, "scratchDir");
    if ((type == BackupType.INCREMENTAL) != (parent != null)) {
      throw new IllegalArgumentException(
          "a parent is required for, and only for, an incremental backup");
    }
  }
}
