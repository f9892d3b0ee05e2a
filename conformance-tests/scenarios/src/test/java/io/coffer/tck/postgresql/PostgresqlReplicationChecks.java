package io.coffer.tck.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.tck.DatastoreProvider;
import io.coffer.tck.ReplicationTck;
import io.coffer.tck.RootLogin;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL streaming replication passes the replication suite (a failed primary rejoins with
 * pg_rewind), and leaves no stale slots behind.
 */
abstract class PostgresqlReplicationChecks extends ReplicationTck {
  @Override
  protected DatastoreProvider provider() {
    return PostgresqlProvider.requirePostgresql();
  }

  /**
   * After the switchover and the failover, no server keeps an inactive slot: the old primary held
   * the slot of the replica it promoted, and an unused slot holds back WAL recycling until the disk
   * fills. The slots left are those of the standbys streaming now.
   */
  @Test
  @Order(100)
  void noServerKeepsAStaleReplicationSlot() throws Exception {
    for (String instance : runningInstances()) {
      RootLogin login = credentials(instance);
      List<String> inactive = new ArrayList<>();
      try (Connection c =
              PostgresqlProvider.connect(
                  port(instance), login.name(), login.password(), "postgres");
          Statement st = c.createStatement();
          ResultSet rs =
              st.executeQuery("SELECT slot_name FROM pg_replication_slots WHERE NOT active")) {
        while (rs.next()) {
          inactive.add(rs.getString(1));
        }
      }
      assertThat(inactive).as("inactive replication slots on %s", instance).isEmpty();
    }
  }
}
