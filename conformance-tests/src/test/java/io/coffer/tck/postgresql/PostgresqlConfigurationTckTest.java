package io.coffer.tck.postgresql;

import io.coffer.tck.ConfigurationTck;
import io.coffer.tck.DatastoreProvider;

/** The configuration suite on a real PostgreSQL 15: ALTER SYSTEM, pg_reload_conf() and pg_settings. */
class PostgresqlConfigurationTckTest extends ConfigurationTck {
  @Override
  protected DatastoreProvider provider() {
    return PostgresqlProvider.requirePostgresql();
  }
}
