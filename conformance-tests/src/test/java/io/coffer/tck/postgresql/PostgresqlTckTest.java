package io.coffer.tck.postgresql;

import io.coffer.tck.DatastoreProvider;
import io.coffer.tck.DatastoreTck;

/** The PostgreSQL plugin passes the TCK. */
class PostgresqlTckTest extends DatastoreTck {
  @Override
  protected DatastoreProvider provider() {
    return PostgresqlProvider.requirePostgresql();
  }
}
