package io.coffer.plugin.mysql.sql;

import io.coffer.plugin.kit.sql.AdminSession;
import io.coffer.plugin.kit.sql.Sql;
import io.coffer.plugin.mysql.naming.IdentifierRules;
import io.coffer.plugin.mysql.naming.ReservedNames;
import io.coffer.plugin.mysql.naming.SqlIdentifiers;
import io.coffer.spi.Database;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.database.Databases;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Lists, creates and drops databases (<a href="https://mariadb.com/kb/en/create-database/">CREATE
 * DATABASE</a>, <a href="https://mariadb.com/kb/en/drop-database/">DROP DATABASE</a>). Names are
 * validated and backtick-quoted, since DDL takes no bound parameters.
 */
public final class DatabaseAdmin implements Databases {

  private static final String LIST_SQL =
      "SELECT SCHEMA_NAME, DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME"
          + " FROM information_schema.SCHEMATA ORDER BY SCHEMA_NAME";

  private final AdminSession session;

  public DatabaseAdmin(AdminSession session) {
    this.session = session;
  }

  @Override
  public List<Database> list() {
    List<Database> all =
        session.execute(
            "list databases",
            false,
            c ->
                Sql.query(
                    c,
                    LIST_SQL,
                    rs -> new Database(rs.getString(1), rs.getString(2), rs.getString(3))));
    return all.stream().filter(d -> !ReservedNames.isSystemDatabase(d.name())).toList();
  }

  @Override
  public void create(Database database) {
    String name = ReservedNames.userDatabase("database.name", database.name());
    String charset =
        database.characterSet().isEmpty()
            ? ""
            : IdentifierRules.charsetName("database.character_set", database.characterSet());
    String collation =
        database.collation().isEmpty()
            ? ""
            : IdentifierRules.charsetName("database.collation", database.collation());
    session.execute(
        "create database '" + name + "'",
        false,
        c -> {
          checkCharset(c, charset, collation);
          StringBuilder sql =
              new StringBuilder("CREATE DATABASE ").append(SqlIdentifiers.quote(name));
          if (!charset.isEmpty()) {
            sql.append(" CHARACTER SET ").append(SqlIdentifiers.quote(charset));
          }
          if (!collation.isEmpty()) {
            sql.append(" COLLATE ").append(SqlIdentifiers.quote(collation));
          }
          try (Statement st = c.createStatement()) {
            st.executeUpdate(sql.toString());
          } catch (SQLException e) {
            if (e.getErrorCode() == SqlErrors.ER_DB_CREATE_EXISTS) {
              throw DatastoreException.alreadyExists(
                  "database.name", "database '" + name + "' already exists");
            }
            throw e;
          }
          return null;
        });
  }

  @Override
  public void delete(String databaseName) {
    String name = ReservedNames.userDatabase("database.name", databaseName);
    session.execute(
        "drop database '" + name + "'",
        false,
        c -> {
          try (Statement st = c.createStatement()) {
            st.executeUpdate("DROP DATABASE " + SqlIdentifiers.quote(name));
          } catch (SQLException e) {
            if (e.getErrorCode() == SqlErrors.ER_DB_DROP_EXISTS) {
              throw DatastoreException.notFound(
                  "database.name", "database '" + name + "' does not exist");
            }
            throw e;
          }
          return null;
        });
  }

  private static void checkCharset(Connection c, String charset, String collation)
      throws SQLException {
    String canonicalCharset = "";
    if (!charset.isEmpty()) {
      canonicalCharset =
          Catalog.characterSet(c, charset)
              .orElseThrow(
                  () ->
                      DatastoreException.invalidArgument(
                          "database.character_set", "unknown character set '" + charset + "'"));
    }
    if (!collation.isEmpty()) {
      String owner =
          Catalog.characterSetOfCollation(c, collation)
              .orElseThrow(
                  () ->
                      DatastoreException.invalidArgument(
                          "database.collation", "unknown collation '" + collation + "'"));
      if (!canonicalCharset.isEmpty() && !owner.equalsIgnoreCase(canonicalCharset)) {
        throw DatastoreException.invalidArgument(
            "database.collation",
            "collation '" + collation + "' does not belong to character set '" + charset + "'");
      }
    }
  }
}
