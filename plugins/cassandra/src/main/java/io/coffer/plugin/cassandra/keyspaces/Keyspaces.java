package io.coffer.plugin.cassandra.keyspaces;

import com.datastax.oss.driver.api.core.cql.Row;
import io.coffer.plugin.cassandra.cql.CqlAdmin;
import io.coffer.plugin.cassandra.cql.CqlNames;
import io.coffer.spi.Database;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.database.Databases;
import java.util.ArrayList;
import java.util.List;

/**
 * Keyspaces as the instance's databases. A keyspace is created with {@code NetworkTopologyStrategy}
 * in this node's datacenter, replicated to min(3, the datacenter's nodes) nodes: every node when
 * there are fewer than three, three otherwise, Cassandra's usual production factor (<a
 * href="https://cassandra.apache.org/doc/5.0/cassandra/architecture/dynamo.html#replication-strategy">
 * Replication strategy</a>). Cassandra's own keyspaces ({@code system*}) are never listed, created
 * or dropped.
 */
public final class Keyspaces implements Databases {
  private static final int PRODUCTION_FACTOR = 3;

  private final CqlAdmin cql;
  private final String datacenter;

  public Keyspaces(CqlAdmin cql, String datacenter) {
    this.cql = cql;
    this.datacenter = datacenter;
  }

  @Override
  public List<Database> list() {
    List<Database> out = new ArrayList<>();
    for (Row row : cql.execute("SELECT keyspace_name FROM system_schema.keyspaces")) {
      String name = row.getString(0);
      if (!CqlNames.systemKeyspace(name)) {
        out.add(Database.named(name));
      }
    }
    out.sort((a, b) -> a.name().compareTo(b.name()));
    return out;
  }

  /**
   * @throws DatastoreException INVALID_ARGUMENT ({@code database.name}; {@code
   *     database.character_set} and {@code database.collation}, which Cassandra has not),
   *     ALREADY_EXISTS
   */
  @Override
  public void create(Database database) {
    String name = CqlNames.keyspace("database.name", database.name());
    if (!database.characterSet().isEmpty()) {
      throw DatastoreException.invalidArgument(
          "database.character_set", "Cassandra keyspaces have no character set (text is UTF-8)");
    }
    if (!database.collation().isEmpty()) {
      throw DatastoreException.invalidArgument(
          "database.collation", "Cassandra keyspaces have no collation");
    }
    if (exists(name)) {
      throw DatastoreException.alreadyExists("database.name", "keyspace " + name + " exists");
    }
    cql.execute(
        "CREATE KEYSPACE "
            + CqlNames.quote(name)
            + " WITH replication = {'class': 'NetworkTopologyStrategy', "
            + CqlNames.literal(datacenter)
            + ": "
            + replicationFactor()
            + "}");
  }

  /**
   * @throws DatastoreException INVALID_ARGUMENT (a bad name or a system keyspace), NOT_FOUND
   */
  @Override
  public void delete(String name) {
    CqlNames.keyspace("name", name);
    if (!exists(name)) {
      throw DatastoreException.notFound("name", "no keyspace " + name);
    }
    cql.execute("DROP KEYSPACE IF EXISTS " + CqlNames.quote(name));
  }

  /** Whether the keyspace exists (names are compared exactly: they are quoted everywhere). */
  public boolean exists(String name) {
    return cql.execute(
                "SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?", name)
            .one()
        != null;
  }

  /** min(3, nodes of this datacenter), the nodes counted from this node's view of the ring. */
  private int replicationFactor() {
    int nodes = 1; // this one
    for (Row peer : cql.execute("SELECT data_center FROM system.peers_v2")) {
      if (datacenter.equals(peer.getString(0))) {
        nodes++;
      }
    }
    return Math.min(PRODUCTION_FACTOR, nodes);
  }
}
