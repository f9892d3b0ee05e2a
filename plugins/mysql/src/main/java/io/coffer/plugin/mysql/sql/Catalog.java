package io.coffer.plugin.mysql.sql;

import io.coffer.plugin.kit.sql.Sql;
import io.coffer.plugin.mysql.naming.Account;
import io.coffer.spi.DatastoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Existence checks against the server's catalog, run before anything is changed. */
final class Catalog {

  private Catalog() {}

  static boolean databaseExists(Connection c, String name) throws SQLException {
    // information_schema may compare case-insensitively; database names are case-sensitive on
    // Linux.
    return Sql.query(
            c,
            "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?",
            rs -> rs.getString(1),
            name)
        .contains(name);
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

  /**
   * @throws DatastoreException NOT_FOUND (field {@code name}) when the account does not exist
   */
  static void requireAccount(Connection c, Account account) throws SQLException {
    if (Sql.query(
            c,
            "SELECT 1 FROM mysql.user WHERE User = ? AND Host = ?",
            rs -> 1,
            account.name(),
            account.host())
        .isEmpty()) {
      throw notFound(account);
    }
  }

  static DatastoreException notFound(Account account) {
    return DatastoreException.notFound("name", "user " + account + " does not exist");
  }

  /** The canonical name of a character set, if the server knows it. */
  static Optional<String> characterSet(Connection c, String name) throws SQLException {
    return first(
        c,
        "SELECT CHARACTER_SET_NAME FROM information_schema.CHARACTER_SETS WHERE CHARACTER_SET_NAME = ?",
        name);
  }

  /** The character set a collation belongs to, if the server knows the collation. */
  static Optional<String> characterSetOfCollation(Connection c, String collation)
      throws SQLException {
    return first(
        c,
        "SELECT CHARACTER_SET_NAME FROM information_schema.COLLATIONS WHERE COLLATION_NAME = ?",
        collation);
  }

  // MariaDB accepts utf8 as an alias of utf8mb3 (old_mode UTF8_IS_UTF8MB3, the default) but lists
  // only utf8mb3 in information_schema, so look the alias up under its real name too.
  private static Optional<String> first(Connection c, String sql, String name) throws SQLException {
    List<String> found = Sql.query(c, sql, rs -> rs.getString(1), name);
    String lower = name.toLowerCase(Locale.ROOT);
    if (found.isEmpty() && (lower.equals("utf8") || lower.startsWith("utf8_"))) {
      found = Sql.query(c, sql, rs -> rs.getString(1), "utf8mb3" + name.substring(4));
    }
    return found.stream().findFirst();
  }
}
