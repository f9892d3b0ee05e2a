package io.coffer.plugin.kit.sql;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Opens an administrative JDBC connection to the local server (over its UNIX socket, typically).
 */
@FunctionalInterface
public interface Connector {

  /**
   * @param database a validated name, or null for the engine's default (PostgreSQL: the maintenance
   *     database {@code postgres}; MariaDB: none selected)
   * @throws SQLException when the server cannot be reached or refuses the login
   */
  Connection connect(String database) throws SQLException;
}
