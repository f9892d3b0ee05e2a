package io.coffer.tck.cassandra;

import io.coffer.tck.BackupTck;
import io.coffer.tck.DatastoreProvider;
import io.coffer.tck.PluginTck;
import org.junit.jupiter.api.Nested;

/**
 * The Cassandra plugin passes the TCK on a real Apache Cassandra 5.0 (cassandra-all from Maven
 * Central): every suite it declares.
 */
class CassandraTckTest extends PluginTck {
  @Override
  protected DatastoreProvider provider() {
    return CassandraProvider.requireCassandra();
  }

  /**
   * The backup suite with 32 MiB in the large round trip instead of 110: the runtime's pipeline
   * carried more than 100 MB for the other engines already, and loading, fingerprinting and
   * importing 110 MB into a node on 2 cores costs CI half a minute more for nothing new.
   */
  @Nested
  class SnapshotBackups extends BackupTck {
    @Override
    protected DatastoreProvider provider() {
      return CassandraProvider.requireCassandra();
    }

    @Override
    protected long largeBytes() {
      return 32L << 20;
    }
  }
}
