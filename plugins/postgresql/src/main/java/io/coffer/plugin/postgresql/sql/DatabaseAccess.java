package io.coffer.plugin.postgresql.sql;

import static io.coffer.plugin.postgresql.naming.SqlIdentifiers.quote;

import io.coffer.plugin.kit.sql.AdminSession;
import io.coffer.plugin.kit.sql.Sql;
import io.coffer.plugin.postgresql.naming.ReservedNames;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What "access to a database" means for a role, granted and revoked as one unit (<a
 * href="https://www.postgresql.org/docs/15/ddl-priv.html">Privileges</a>, <a
 * href="https://www.postgresql.org/docs/15/sql-grant.html">GRANT</a>):
 *
 * <ul>
 *   <li>on the database: CONNECT, CREATE (schemas) and TEMPORARY. Databases the plugin creates give
 *       PUBLIC nothing (PostgreSQL's default would let every role connect), so CONNECT is what
 *       separates users who have access from users who do not;
 *   <li>in its {@code public} schema: USAGE and CREATE (since PostgreSQL 15, PUBLIC may no longer
 *       create objects there), and all privileges on the tables and sequences that exist there at
 *       the time of the grant, whoever owns them.
 * </ul>
 *
 * Objects a user creates later belong to that user, who may share them with GRANT, as PostgreSQL's
 * ownership model has it; no default privileges are set. Revoking takes all of the above away
 * again; objects the user owns stay its own but are out of reach without CONNECT. The grant
 * statements run as the admin superuser, which PostgreSQL treats as if the objects' owners had
 * issued them.
 */
final class DatabaseAccess {

  private static final Logger log = LoggerFactory.getLogger(DatabaseAccess.class);

  private final AdminSession session;

  DatabaseAccess(AdminSession session) {
    this.session = session;
  }

  /**
   * Grants access to each database in turn; when one fails, takes back what the earlier ones
   * granted before rethrowing.
   *
   * @param admin the admin session's connection, for database-level privileges
   */
  void grant(Connection admin, String role, List<String> databases) throws SQLException {
    for (int i = 0; i < databases.size(); i++) {
      try {
        grant(admin, role, databases.get(i));
      } catch (SQLException | RuntimeException e) {
        for (String done : databases.subList(0, i + 1)) {
          try {
            revoke(admin, role, done);
          } catch (SQLException | RuntimeException undo) {
            e.addSuppressed(undo);
            log.warn(
                "Could not take back access to database '{}' from '{}' after a failed grant: {}",
                done,
                role,
                undo.getMessage());
          }
        }
        throw e;
      }
    }
  }

  private void grant(Connection admin, String role, String database) throws SQLException {
    Sql.ddl(
        admin,
        "GRANT CONNECT, CREATE, TEMPORARY ON DATABASE " + quote(database) + " TO " + quote(role));
    session.inDatabase(
        database,
        c -> {
          if (hasPublicSchema(c)) {
            Sql.ddl(c, "GRANT USAGE, CREATE ON SCHEMA public TO " + quote(role));
            Sql.ddl(c, "GRANT ALL ON ALL TABLES IN SCHEMA public TO " + quote(role));
            Sql.ddl(c, "GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO " + quote(role));
          }
          return null;
        });
  }

  /** Takes access to {@code database} away; revoking what was never granted is not an error. */
  void revoke(Connection admin, String role, String database) throws SQLException {
    Sql.ddl(admin, "REVOKE ALL ON DATABASE " + quote(database) + " FROM " + quote(role));
    session.inDatabase(
        database,
        c -> {
          if (hasPublicSchema(c)) {
            Sql.ddl(c, "REVOKE ALL ON SCHEMA public FROM " + quote(role));
            Sql.ddl(c, "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM " + quote(role));
            Sql.ddl(c, "REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM " + quote(role));
          }
          return null;
        });
  }

  /**
   * Removes every reference to {@code role} in every database one can connect to, so that {@code
   * DROP ROLE} can succeed: the objects it owns pass to the admin role (data is kept, as when a
   * MariaDB user is dropped) and its privileges are revoked (<a
   * href="https://www.postgresql.org/docs/15/role-removal.html">Dropping Roles</a>, <a
   * href="https://www.postgresql.org/docs/15/sql-reassign-owned.html">REASSIGN OWNED</a>, <a
   * href="https://www.postgresql.org/docs/15/sql-drop-owned.html">DROP OWNED</a>).
   */
  void forget(Connection admin, String role) throws SQLException {
    for (String database : Catalog.connectableDatabases(admin)) {
      session.inDatabase(
          database,
          c -> {
            Sql.ddl(
                c, "REASSIGN OWNED BY " + quote(role) + " TO " + quote(ReservedNames.ADMIN_ROLE));
            Sql.ddl(c, "DROP OWNED BY " + quote(role));
            return null;
          });
    }
  }

  private static boolean hasPublicSchema(Connection c) throws SQLException {
    return Sql.exists(c, "SELECT 1 FROM pg_namespace WHERE nspname = 'public'");
  }
}
