package io.coffer.spi.replication;

import io.coffer.spi.Probe;

/**
 * Where an instance stands in replication.
 *
 * @param role PRIMARY (or STANDALONE) when it accepts writes, REPLICA when it follows a source
 * @param sourceHost the source it follows, or "" (with {@code sourcePort} 0)
 * @param running whether both the receiving and the applying side run (replicas only)
 * @param lagSeconds how far behind the source the applied changes are, or -1 when unknown
 * @param position the last transaction applied (replica) or committed (primary), in the engine's
 *     own notation (MariaDB: a GTID position, e.g. {@code 0-1-42}); "" when unknown
 * @param readOnly whether writes are refused (a replica, or a fenced source)
 * @param lastError the replication thread's last error, or "" (operator-safe)
 * @param sourceConnected a replica receives from its source right now (MariaDB: Slave_IO_Running
 *     Yes; PostgreSQL: pg_stat_wal_receiver streaming; Redis: master_link_status up); false
 *     otherwise. The control asks the replicas of a primary that went silent to it: while most
 *     still receive, the primary lives and the control is the one cut off, so it does not fail over
 */
public record ReplicationStatus(
    Probe.Role role,
    String sourceHost,
    int sourcePort,
    boolean running,
    double lagSeconds,
    String position,
    boolean readOnly,
    String lastError,
    boolean sourceConnected) {
  public ReplicationStatus {
    sourceHost = sourceHost == null ? "" : sourceHost;
    position = position == null ? "" : position;
    lastError = lastError == null ? "" : lastError;
  }
}
