/**
 * PostgreSQL streaming replication (<a
 * href="https://www.postgresql.org/docs/15/warm-standby.html#STREAMING-REPLICATION">Streaming
 * Replication</a>): a dedicated REPLICATION role on the source, physical replication slots,
 * standbys attached with {@code primary_conninfo}, fencing by restarting the primary as a standby,
 * and {@code pg_promote()}.
 */
package io.coffer.plugin.postgresql.replication;
