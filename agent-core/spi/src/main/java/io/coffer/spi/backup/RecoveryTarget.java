package io.coffer.spi.backup;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a point-in-time restore stops replaying archived log: just before the first transaction
 * that committed after {@code time}, so every transaction committed at or before it is kept
 * (PostgreSQL: {@code recovery_target_time} with {@code recovery_target_inclusive = on},
 * <a href="https://www.postgresql.org/docs/15/runtime-config-wal.html#RUNTIME-CONFIG-WAL-RECOVERY-TARGET">Recovery
 * Target</a>); or, {@link #END_OF_ARCHIVE}, nowhere: everything archived is replayed (the
 * disaster-recovery case, restoring as much as the archive holds).
 *
 * @param time the target instant, by the server's clock, after the end of the base backup; null
 *     for {@link #END_OF_ARCHIVE}
 */
public record RecoveryTarget(Instant time) {
  /** Replay the whole archive. */
  public static final RecoveryTarget END_OF_ARCHIVE = new RecoveryTarget(null);

  /** A target time. */
  public static RecoveryTarget at(Instant time) {
    return new RecoveryTarget(Objects.requireNonNull(time, "time"));
  }

  public boolean endOfArchive() {
    return time == null;
  }
}
