package io.coffer.e2e.replication;

import io.coffer.tck.DatastoreProvider;
import io.coffer.tck.mysql.MysqlProvider;
import io.coffer.tck.postgresql.PostgresqlProvider;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * What the replication scenarios need of an engine: its provider, a client session on database
 * {@code ledger}, and table {@code entries (id BIGINT PRIMARY KEY, at <timestamp>)} that the
 * ordinary account {@code app} may insert into.
 */
interface Ledger {
  /** Skips the test (an assumption) when the engine's server is not installed. */
  DatastoreProvider provider();

  Connection connect(int port, String user, String password) throws SQLException;

  void createTable(Statement asRoot) throws SQLException;

  static Properties login(String user, String password) {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    return p;
  }

  /** MariaDB: read_only fences the ordinary account. */
  Ledger MARIADB =
      new Ledger() {
        @Override
        public DatastoreProvider provider() {
          return MysqlProvider.requireMariadb();
        }

        @Override
        public Connection connect(int port, String user, String password) throws SQLException {
          Properties p = login(user, password);
          p.setProperty("connectTimeout", "2000");
          p.setProperty("socketTimeout", "5000");
          return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/ledger", p);
        }

        @Override
        public void createTable(Statement asRoot) throws SQLException {
          asRoot.execute(
              "CREATE TABLE entries (id BIGINT PRIMARY KEY, at TIMESTAMP(6) DEFAULT CURRENT_TIMESTAMP(6))");
        }
      };

  /** PostgreSQL: the fence restarts the primary as a standby. */
  Ledger POSTGRESQL =
      new Ledger() {
        @Override
        public DatastoreProvider provider() {
          return PostgresqlProvider.requirePostgresql();
        }

        @Override
        public Connection connect(int port, String user, String password) throws SQLException {
          Properties p = login(user, password);
          p.setProperty("connectTimeout", "2");
          p.setProperty("socketTimeout", "5");
          return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/ledger", p);
        }

        @Override
        public void createTable(Statement asRoot) throws SQLException {
          asRoot.execute(
              "CREATE TABLE entries (id BIGINT PRIMARY KEY, at TIMESTAMPTZ DEFAULT clock_timestamp())");
          asRoot.execute("GRANT SELECT, INSERT ON entries TO app");
        }
      };
}
