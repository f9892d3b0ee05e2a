package io.coffer.tck.cassandra;

import io.coffer.tck.DatastoreProvider;
import io.coffer.tck.PluginTck;

/**
 * The Cassandra plugin passes the TCK on a real Apache Cassandra 5.0 (cassandra-all from Maven
 * Central): every suite it declares.
 */
class CassandraTckTest extends PluginTck {
  @Override
  protected DatastoreProvider provider() {
    return CassandraProvider.requireCassandra();
  }
}
