package io.coffer.tck.mysql;

import io.coffer.tck.ConfigurationTck;
import io.coffer.tck.DatastoreProvider;

/** The configuration suite on a real MariaDB 10.11: SET GLOBAL, the option file and SYSTEM_VARIABLES. */
class MysqlConfigurationTckTest extends ConfigurationTck {
  @Override
  protected DatastoreProvider provider() {
    return MysqlProvider.requireMariadb();
  }
}
