package io.coffer.agent.backup;

import io.coffer.agent.storage.BackupStorage;
import io.coffer.spi.backup.BackupType;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What the plugin says about a backup it is streaming; becomes the manifest's descriptive fields.
 *
 * @param positions called once the engine stream reached its end, because tools report the
 *     consistent point only when they finish (e.g. xtrabackup's binlog position); see the {@code
 *     POSITION_*} keys of {@link io.coffer.spi.backup.BackupManifest}
 */
public record BackupJob(
    String backupId,
    String engine,
    String engineVersion,
    String tool,
    String toolVersion,
    BackupType type,
    String parentId,
    Supplier<Map<String, String>> positions) {
  public BackupJob {
    BackupStorage.checkKey(Objects.requireNonNull(backupId, "backupId"));
    if (backupId.contains("/")) {
      throw new IllegalArgumentException("backupId must be a single key segment: " + backupId);
    }
    Objects.requireNonNull(type, "type");
    if (positions == null) {
      positions = Map::of;
    }
  }
}
