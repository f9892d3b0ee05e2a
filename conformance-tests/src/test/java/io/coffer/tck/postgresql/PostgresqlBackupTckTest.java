package io.coffer.tck.postgresql;

import io.coffer.tck.BackupTck;
import io.coffer.tck.DatastoreProvider;

/**
 * PostgreSQL full base backups pass the backup suite (local storage); the incremental and logical
 * parts are skipped, as the plugin does not declare them yet.
 */
class PostgresqlBackupTckTest extends BackupTck {
  @Override
  protected DatastoreProvider provider() {
    return PostgresqlProvider.requirePostgresql();
  }
}
