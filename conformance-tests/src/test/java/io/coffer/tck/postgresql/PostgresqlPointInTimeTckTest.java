package io.coffer.tck.postgresql;

import io.coffer.tck.DatastoreProvider;
import io.coffer.tck.PointInTimeTck;

/** PostgreSQL point-in-time restores from a base backup and the WAL archived through the agent. */
class PostgresqlPointInTimeTckTest extends PointInTimeTck {
  @Override
  protected DatastoreProvider provider() {
    return PostgresqlProvider.requirePostgresql();
  }
}
