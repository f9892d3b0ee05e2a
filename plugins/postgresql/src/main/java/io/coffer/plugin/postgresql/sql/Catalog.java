package io.coffer.plugin.postgresql.sql;

import io.coffer.plugin.kit.sql.Sql;
import io.coffer.spi.DatastoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;

/**
 * Look-ups in the system catalogs (<a
 * href="https://www.postgresql.org/docs/15/catalog-pg-database.html">pg_database</a>, <a
 * href="https://www.postgresql.org/docs/15/view-pg-roles.html">pg_roles</a>), run before anything
 * is changed. Names compare exactly: quoted identifiers are case-sensitive.
 */
final class Catalog {

  private Catalog() {}

  static boolean databaseExists(Connection c, String name) throws SQLException {
    return Sql.exists(c, "SELECT 1 FROM pg_database WHERE datname = ?", name);
  }

  /**
   * @throws DatastoreException NOT_FOUND (field {@code databases}) for the first missing one
   */
  static void requireDatabases(Connection c, Collection<String> names) throws SQLException {
    for (String name : names) {
      if (!databaseExists(c, name)) {
        throw DatastoreException.notFound("databases", "database '" + name + "' does not exist");
      }
    }
  }

  static boolean roleExists(Connection c, String name) throws SQLException {
    return Sql.exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", name);
  }

  /**
   * @throws DatastoreException NOT_FOUND (field {@code name}) when the role does not exist
   */
  static void requireRole(Connection c, String name) throws SQLException {
    if (!roleExists(c, name)) {
      throw roleNotFound(name);
    }
  }

  static DatastoreException roleNotFound(String name) {
    return DatastoreException.notFound("name", "user '" + name + "' does not exist");
  }

  /** Databases one can connect to (all but template0), where a role may own objects. */
  static List<String> connectableDatabases(Connection c) throws SQLException {
    return Sql.query(
        c,
        "SELECT datname FROM pg_database WHERE datallowconn ORDER BY datname",
        rs -> rs.getString(1));
  }

  static boolean encodingExists(Connection c, String name) throws SQLException {
    return Sql.query(c, "SELECT pg_char_to_encoding(?)", rs -> rs.getInt(1), name).get(0) >= 0;
  }
}
