package io.coffer.spi.backup;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a point-in-time restore stops replaying archived log: just before the first transaction
 * that committed after {@code time}, so every transaction committed at or before it is kept
 * (PostgreSQL: {@code recovery_target_time} with {@code recovery_target_inclusive = on},
 * <a href="https://www.postgresql.org/docs/15/runtime-config-wal.html#RUNTIME-CONFIG-WAL-RECOVERY-TARGET">Recovery
 * Target</a>).
 *
 * @param time the target instant, by the server's clock; after the end of the base backup
 */
public record RecoveryTarget(Instant time) {
  public RecoveryTarget {
    Objects.requireNonNull(time, "time");
  }
}
