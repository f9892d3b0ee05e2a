package io.coffer.tck.postgresql;

import io.coffer.tck.DatastoreProvider;
import io.coffer.tck.PluginTck;
import org.junit.jupiter.api.Nested;

/**
 * The PostgreSQL plugin passes the TCK: every suite it declares, with PostgreSQL's own checks added
 * to point-in-time restore (named restore points, LSNs) and replication (no stale slots).
 */
class PostgresqlTckTest extends PluginTck {
  @Override
  protected DatastoreProvider provider() {
    return PostgresqlProvider.requirePostgresql();
  }

  @Nested
  class RecoveryTargets extends PostgresqlPointInTimeChecks {}

  @Nested
  class StreamingReplication extends PostgresqlReplicationChecks {}
}
