package io.coffer.tck.mysql;

import io.coffer.tck.DatastoreProvider;
import io.coffer.tck.ReplicationTck;

/** MariaDB GTID replication passes the replication suite. */
class MysqlReplicationTckTest extends ReplicationTck {
  @Override
  protected DatastoreProvider provider() {
    return MysqlProvider.requireMariadb();
  }
}
