package io.coffer.spi.backup;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What the runtime asks a {@link BackupStrategy} to restore.
 *
 * @param chain the backups to apply, in order: one FULL followed by zero or more INCREMENTALs, each
 *     the parent of the next; or a single LOGICAL backup
 * @param scratchDir an empty directory private to this restore, under the agent's state directory,
 *     for staging (it must hold the whole chain); the runtime deletes it afterwards
 * @param asReplica the instance is to be attached as a replica right after the restore; an engine
 *     whose replicas must never run as a primary in between (PostgreSQL: the WAL of a primary would
 *     diverge from its source's at its first checkpoint) starts the server in recovery instead,
 *     read-only and with no source yet
 * @param recoveryTarget for a point-in-time restore, where replaying archived log stops; null to
 *     restore the chain as it is
 * @param archivedLog with a target: a directory holding the archived log files the restore needs
 *     ({@link LogArchiving#neededAfter}), already verified and decrypted, under their {@link
 *     LogFile#name()}s; available from {@link RestoreSession#stage} on until the restore ends
 * @param reseed (with {@code asReplica}) the instance is a replica whose copy is broken and is
 *     re-seeded (the repair workflow): its current data is discarded, so the strategy skips its
 *     "restore needs an empty instance" check; the runtime has checked that the instance is a
 *     replica. A strategy that cannot replace data in place refuses with FAILED_PRECONDITION.
 */
public record RestoreRequest(
    List<BackupManifest> chain,
    Path scratchDir,
    boolean asReplica,
    RecoveryTarget recoveryTarget,
    Path archivedLog,
    boolean reseed) {

  /** A restore that leaves a standalone instance. */
  public RestoreRequest(List<BackupManifest> chain, Path scratchDir) {
    this(chain, scratchDir, false);
  }

  /** A restore of the chain as it is, with no log replayed. */
  public RestoreRequest(List<BackupManifest> chain, Path scratchDir, boolean asReplica) {
    this(chain, scratchDir, asReplica, null, null);
  }

  /** A restore into an empty instance (no re-seed). */
  public RestoreRequest(
      List<BackupManifest> chain,
      Path scratchDir,
      boolean asReplica,
      RecoveryTarget recoveryTarget,
      Path archivedLog) {
    this(chain, scratchDir, asReplica, recoveryTarget, archivedLog, false);
  }

  public RestoreRequest {
    chain = List.copyOf(chain);
    Objects.requireNonNull(scratchDir, "scratchDir");
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("a restore needs at least one backup");
    }
    if ((recoveryTarget == null) != (archivedLog == null)) {
      throw new IllegalArgumentException(
          "archived log comes with, and only with, a recovery target");
    }
    if (recoveryTarget != null && asReplica) {
      throw new IllegalArgumentException("a point-in-time restore leaves a primary, not a replica");
    }
    if (reseed && !asReplica) {
      throw new IllegalArgumentException("only a replica is re-seeded");
    }
  }

  /** The backup the instance ends up at (the last of the chain). */
  public BackupManifest target() {
    return chain.get(chain.size() - 1);
  }
}
