package io.coffer.spi.backup;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a point-in-time restore stops replaying archived log (PostgreSQL's <a
 * href="https://www.postgresql.org/docs/15/runtime-config-wal.html#RUNTIME-CONFIG-WAL-RECOVERY-TARGET">Recovery
 * Target</a> settings), at most one of:
 *
 * <ul>
 *   <li>{@code time}: just before the first transaction that committed after it, so every
 *       transaction committed at or before it is kept ({@code recovery_target_time}, {@code
 *       recovery_target_inclusive = on}); by the server's clock, after the end of the backup;
 *   <li>{@code lsn}: up to and including that WAL position, as the engine prints it (PostgreSQL
 *       {@code recovery_target_lsn}, e.g. {@code 0/3000060});
 *   <li>{@code name}: up to a named restore point created on the server (PostgreSQL {@code
 *       pg_create_restore_point}, {@code recovery_target_name});
 *   <li>{@code gtid}: up to and including that transaction (MariaDB global transaction id, {@code
 *       domain-server-seqno}, one per domain, comma-separated; {@code mariadb-binlog
 *       --stop-position});
 *   <li>none ({@link #END_OF_ARCHIVE}): everything archived is replayed (disaster recovery).
 * </ul>
 *
 * Engines validate {@code lsn}, {@code name} and {@code gtid} themselves and refuse the kinds they
 * lack (INVALID_ARGUMENT, fields {@code target_lsn}, {@code target_name}, {@code target_gtid}).
 */
public record RecoveryTarget(Instant time, String lsn, String name, String gtid) {
  /** Replay the whole archive. */
  public static final RecoveryTarget END_OF_ARCHIVE = new RecoveryTarget(null, null, null, null);

  public RecoveryTarget {
    int set =
        (time != null ? 1 : 0)
            + (lsn != null ? 1 : 0)
            + (name != null ? 1 : 0)
            + (gtid != null ? 1 : 0);
    if (set > 1) {
      throw new IllegalArgumentException(
          "a recovery target is a time, an LSN, a name or a GTID, not several");
    }
  }

  /** A target time. */
  public static RecoveryTarget at(Instant time) {
    return new RecoveryTarget(Objects.requireNonNull(time, "time"), null, null, null);
  }

  public static RecoveryTarget atLsn(String lsn) {
    return new RecoveryTarget(null, Objects.requireNonNull(lsn, "lsn"), null, null);
  }

  public static RecoveryTarget atName(String name) {
    return new RecoveryTarget(null, null, Objects.requireNonNull(name, "name"), null);
  }

  public static RecoveryTarget atGtid(String gtid) {
    return new RecoveryTarget(null, null, null, Objects.requireNonNull(gtid, "gtid"));
  }

  public boolean endOfArchive() {
    return time == null && lsn == null && name == null && gtid == null;
  }
}
