package io.coffer.tck.mysql;

import io.coffer.tck.DatastoreProvider;
import io.coffer.tck.ReplicationTck;
import io.coffer.tck.RootLogin;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** MariaDB GTID replication passes the replication suite. */
abstract class MysqlReplicationChecks extends ReplicationTck {
  @Override
  protected DatastoreProvider provider() {
    return MysqlProvider.requireMariadb();
  }

  /**
   * A row written on the replica (past read_only, as a superuser may) that the source then writes
   * too: the replica's SQL thread stops on the duplicate key (error 1062), as after any stray
   * write.
   */
  @Override
  protected boolean breakReplication(String replica, String source) throws SQLException {
    try (Connection c = connect(replica);
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO app.notes (id, note) VALUES (999999, 'written on the replica only')");
    }
    try (Connection c = connect(source);
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO app.notes (id, note) VALUES (999999, 'written on the source')");
    }
    return true;
  }

  private Connection connect(String instance) throws SQLException {
    RootLogin root = credentials(instance);
    return DriverManager.getConnection(
        "jdbc:mariadb://127.0.0.1:" + port(instance) + "/", root.name(), root.password());
  }
}
