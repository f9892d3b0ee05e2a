package io.coffer.tck.mysql;

import io.coffer.tck.DatastoreProvider;
import io.coffer.tck.DatastoreTck;

/** The MySQL/MariaDB plugin passes the TCK. */
class MysqlTckTest extends DatastoreTck {
  @Override
  protected DatastoreProvider provider() {
    return MysqlProvider.requireMariadb();
  }
}
