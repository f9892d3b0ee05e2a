package io.coffer.tck.mysql;

import io.coffer.tck.DatastoreProvider;
import io.coffer.tck.PointInTimeTck;

/** MariaDB point-in-time restores: a mariadb-backup backup plus the binary logs archived through the agent. */
class MysqlPointInTimeTckTest extends PointInTimeTck {
  @Override
  protected DatastoreProvider provider() {
    return MysqlProvider.requireMariadb();
  }
}
