package io.coffer.spi.backup;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What the runtime asks a {@link BackupStrategy} to restore.
 *
 * @param chain the backups to apply, in order: one FULL followed by zero or more INCREMENTALs,
 *     each the parent of the next; or a single LOGICAL backup
 * @param scratchDir an empty directory private to this restore, under the agent's state
 *     directory, for staging (it must hold the whole chain); the runtime deletes it afterwards
 */
public record RestoreRequest(List<BackupManifest> chain, Path scratchDir) {
  public RestoreRequest {
    chain = List.copyOf(chain);
    Objects.requireNonNull(scratchDir, "scratchDir");
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("a restore needs at least one backup");
    }
  }

  /** The backup the instance ends up at (the last of the chain). */
  public BackupManifest target() {
    return chain.get(chain.size() - 1);
  }
}
