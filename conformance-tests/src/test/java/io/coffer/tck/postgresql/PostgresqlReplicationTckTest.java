package io.coffer.tck.postgresql;

import io.coffer.tck.DatastoreProvider;
import io.coffer.tck.ReplicationTck;

/** PostgreSQL streaming replication passes the replication suite. */
class PostgresqlReplicationTckTest extends ReplicationTck {
  @Override
  protected DatastoreProvider provider() {
    return PostgresqlProvider.requirePostgresql();
  }
}
