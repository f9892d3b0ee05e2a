package io.coffer.tck.mysql;

import io.coffer.tck.DatastoreProvider;
import io.coffer.tck.PluginTck;
import org.junit.jupiter.api.Nested;

/**
 * The MySQL/MariaDB plugin passes the TCK: every suite it declares, with MariaDB's own checks added
 * to point-in-time restore (GTID targets) and replication (a stray write on a replica breaks it).
 */
class MysqlTckTest extends PluginTck {
  @Override
  protected DatastoreProvider provider() {
    return MysqlProvider.requireMariadb();
  }

  @Nested
  class Gtid extends MysqlPointInTimeChecks {}

  @Nested
  class GtidReplication extends MysqlReplicationChecks {}
}
