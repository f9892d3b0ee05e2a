package io.coffer.tck.mysql;

import io.coffer.tck.BackupTck;
import io.coffer.tck.DatastoreProvider;

/** MariaDB full, incremental and logical backups pass the backup suite (local storage). */
class MysqlBackupTckTest extends BackupTck {
  @Override
  protected DatastoreProvider provider() {
    return MysqlProvider.requireMariadb();
  }
}
