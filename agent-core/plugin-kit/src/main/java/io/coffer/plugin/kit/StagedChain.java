package io.coffer.plugin.kit;

import io.coffer.spi.backup.BackupManifest;
import java.util.List;

/** Holds the runtime to the staging protocol: every backup of the chain, once, in order. */
public final class StagedChain {

  private final List<BackupManifest> chain;
  private int staged;

  public StagedChain(List<BackupManifest> chain) {
    this.chain = List.copyOf(chain);
  }

  /** The index of {@code backup} in the chain, which must be the next one to stage. */
  public int next(BackupManifest backup) {
    if (staged >= chain.size() || !chain.get(staged).backupId().equals(backup.backupId())) {
      throw new IllegalStateException(
          "stage("
              + backup.backupId()
              + ") out of order: expected "
              + (staged < chain.size() ? chain.get(staged).backupId() : "install()")
              + " next");
    }
    return staged;
  }

  /** Records that the backup returned by the last {@link #next} is fully staged. */
  public void done() {
    staged++;
  }

  public int size() {
    return chain.size();
  }

  public void requireComplete() {
    if (staged != chain.size()) {
      throw new IllegalStateException(
          "install() after staging " + staged + " of " + chain.size() + " backups");
    }
  }
}
