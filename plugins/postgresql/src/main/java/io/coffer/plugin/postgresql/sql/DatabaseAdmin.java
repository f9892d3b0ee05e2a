package io.coffer.plugin.postgresql.sql;

import static io.coffer.plugin.postgresql.naming.SqlIdentifiers.quote;

import io.coffer.plugin.kit.sql.AdminSession;
import io.coffer.plugin.kit.sql.Sql;
import io.coffer.plugin.postgresql.naming.IdentifierRules;
import io.coffer.plugin.postgresql.naming.ReservedNames;
import io.coffer.plugin.postgresql.naming.SqlIdentifiers;
import io.coffer.spi.Database;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.database.Databases;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists, creates and drops databases (<a
 * href="https://www.postgresql.org/docs/15/sql-createdatabase.html">CREATE DATABASE</a>, <a
 * href="https://www.postgresql.org/docs/15/sql-dropdatabase.html">DROP DATABASE</a>). Names are
 * validated and quoted, since DDL takes no bound parameters.
 *
 * <p>The SPI's character set is the database's <a
 * href="https://www.postgresql.org/docs/15/multibyte.html">encoding</a> (e.g. {@code UTF8}, {@code
 * LATIN1}) and its collation the database's libc locale for LC_COLLATE and LC_CTYPE (e.g. {@code
 * C}, {@code en_US.utf8}); by default a database is UTF8 with the instance's {@code C.UTF-8}.
 * Either one copies {@code template0}, as a database whose encoding or locale differs from {@code
 * template1}'s must. A new database grants PUBLIC nothing, so only roles given access ({@link
 * DatabaseAccess}) can connect. Dropping uses {@code WITH (FORCE)}: sessions still connected to the
 * database are ended, as MariaDB's DROP DATABASE does not wait for them either.
 */
public final class DatabaseAdmin implements Databases {

  private static final Logger log = LoggerFactory.getLogger(DatabaseAdmin.class);
  private static final String LIST_SQL =
      "SELECT datname, pg_encoding_to_char(encoding), datcollate"
          + " FROM pg_database WHERE NOT datistemplate ORDER BY datname";

  private final AdminSession session;

  public DatabaseAdmin(AdminSession session) {
    this.session = session;
  }

  /** User databases, without postgres, template0 and template1. */
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
    String encoding =
        database.characterSet().isEmpty()
            ? ""
            : IdentifierRules.encodingName("database.character_set", database.characterSet());
    String locale =
        database.collation().isEmpty()
            ? ""
            : IdentifierRules.localeName("database.collation", database.collation());
    session.execute(
        "create database '" + name + "'",
        false,
        c -> {
          if (!encoding.isEmpty() && !Catalog.encodingExists(c, encoding)) {
            throw DatastoreException.invalidArgument(
                "database.character_set",
                "unknown encoding '"
                    + encoding
                    + "'; see https://www.postgresql.org/docs/15/multibyte.html#MULTIBYTE-CHARSET-SUPPORTED");
          }
          StringBuilder sql = new StringBuilder("CREATE DATABASE ").append(quote(name));
          if (!encoding.isEmpty() || !locale.isEmpty()) {
            sql.append(" TEMPLATE template0");
          }
          if (!encoding.isEmpty()) {
            sql.append(" ENCODING ").append(SqlIdentifiers.literal(encoding));
          }
          if (!locale.isEmpty()) {
            sql.append(" LOCALE ").append(SqlIdentifiers.literal(locale));
          }
          try {
            Sql.ddl(c, sql.toString());
          } catch (SQLException e) {
            if (SqlErrors.DUPLICATE_DATABASE.equals(e.getSQLState())) {
              throw DatastoreException.alreadyExists(
                  "database.name", "database '" + name + "' already exists");
            }
            if (SqlErrors.isBadLocale(e)) {
              throw DatastoreException.invalidArgument(
                  locale.isEmpty() ? "database.character_set" : "database.collation",
                  SqlErrors.serverMessage(e));
            }
            throw e;
          }
          try {
            Sql.ddl(c, "REVOKE ALL ON DATABASE " + quote(name) + " FROM PUBLIC");
          } catch (SQLException | RuntimeException e) {
            dropQuietly(c, name);
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
          try {
            Sql.ddl(c, "DROP DATABASE " + quote(name) + " WITH (FORCE)");
          } catch (SQLException e) {
            if (SqlErrors.INVALID_CATALOG_NAME.equals(e.getSQLState())) {
              throw DatastoreException.notFound(
                  "database.name", "database '" + name + "' does not exist");
            }
            throw e;
          }
          return null;
        });
  }

  private static void dropQuietly(Connection c, String name) {
    try {
      Sql.ddl(c, "DROP DATABASE IF EXISTS " + quote(name) + " WITH (FORCE)");
    } catch (SQLException e) {
      log.warn(
          "Could not drop database '{}' after a failed create; drop it by hand: PostgreSQL error {}",
          name,
          e.getSQLState());
    }
  }
}
