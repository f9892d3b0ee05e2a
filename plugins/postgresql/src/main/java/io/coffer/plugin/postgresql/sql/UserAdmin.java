package io.coffer.plugin.postgresql.sql;

import static io.coffer.plugin.postgresql.naming.SqlIdentifiers.quote;

import io.coffer.plugin.kit.sql.AdminSession;
import io.coffer.plugin.kit.sql.Sql;
import io.coffer.plugin.postgresql.naming.IdentifierRules;
import io.coffer.plugin.postgresql.naming.ReservedNames;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.Secret;
import io.coffer.spi.UserAccount;
import io.coffer.spi.user.Users;
import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users are roles with LOGIN (<a
 * href="https://www.postgresql.org/docs/15/sql-createrole.html">CREATE ROLE</a>, <a
 * href="https://www.postgresql.org/docs/15/sql-alterrole.html">ALTER ROLE</a>, <a
 * href="https://www.postgresql.org/docs/15/sql-droprole.html">DROP ROLE</a>), with no other
 * attribute (not a superuser, cannot create databases or roles, no replication). Passwords go to
 * the server only as SCRAM-SHA-256 verifiers ({@link Passwords}); access to databases is {@link
 * DatabaseAccess}. PostgreSQL roles are not scoped by host, so the SPI's host must be empty or
 * {@code %}; where clients may connect from is pg_hba.conf's business.
 *
 * <p>A user is listed with the databases it may connect to: those whose ACL grants it CONNECT, and
 * those it owns (<a
 * href="https://www.postgresql.org/docs/15/functions-info.html#FUNCTIONS-ACLITEM-FN-TABLE">aclexplode</a>).
 */
public final class UserAdmin implements Users {

  private static final Logger log = LoggerFactory.getLogger(UserAdmin.class);
  private static final String LIST_SQL =
      "SELECT r.rolname, ARRAY(SELECT d.datname::text FROM pg_database d"
          + " WHERE NOT d.datistemplate AND (d.datdba = r.oid OR EXISTS (SELECT 1 FROM"
          + " aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a"
          + " WHERE a.grantee = r.oid AND a.privilege_type = 'CONNECT')) ORDER BY d.datname)"
          + " FROM pg_roles r WHERE r.rolcanlogin ORDER BY r.rolname";

  private final AdminSession session;
  private final DatabaseAccess access;

  public UserAdmin(AdminSession session) {
    this.session = session;
    this.access = new DatabaseAccess(session);
  }

  /** Login roles other than reserved ones, with the databases each may connect to. */
  @Override
  public List<UserAccount> list() {
    return session.execute(
        "list users",
        false,
        c -> {
          List<UserAccount> users = new ArrayList<>();
          for (UserAccount user :
              Sql.query(
                  c,
                  LIST_SQL,
                  rs -> new UserAccount(rs.getString(1), "%", databases(rs.getArray(2))))) {
            if (!ReservedNames.isReservedRole(user.name())) {
              users.add(user);
            }
          }
          return users;
        });
  }

  private static List<String> databases(Array array) throws SQLException {
    return Arrays.stream((String[]) array.getArray())
        .filter(d -> !ReservedNames.isSystemDatabase(d))
        .toList();
  }

  /** Creates the role and grants it access; drops it again if a grant fails. */
  @Override
  public void create(UserAccount user, Secret password) {
    if (!user.accessRules().isEmpty()) {
      throw DatastoreException.invalidArgument(
          "access_rules", "this engine grants access per database; leave it empty");
    }
    String name = ReservedNames.userRole("name", user.name());
    host(user.host());
    IdentifierRules.password("password", password);
    List<String> databases = grantTargets(user.databases());
    String passwordClause = Passwords.clause(password);
    session.execute(
        "create user '" + name + "'",
        true,
        c -> {
          Catalog.requireDatabases(c, databases);
          try {
            Sql.ddl(c, "CREATE ROLE " + quote(name) + " LOGIN " + passwordClause);
          } catch (SQLException e) {
            if (SqlErrors.DUPLICATE_OBJECT.equals(e.getSQLState())) {
              throw DatastoreException.alreadyExists("name", "user '" + name + "' already exists");
            }
            throw e;
          }
          try {
            access.grant(c, name, databases);
          } catch (SQLException | RuntimeException e) {
            dropQuietly(c, name);
            throw e;
          }
          return null;
        });
  }

  /**
   * Ends the user's sessions, hands the objects it owns to the admin role, revokes its privileges
   * everywhere ({@link DatabaseAccess#forget}) and drops it.
   */
  @Override
  public void delete(String userName, String host) {
    String name = ReservedNames.userRole("name", userName);
    host(host);
    session.execute(
        "drop user '" + name + "'",
        false,
        c -> {
          Catalog.requireRole(c, name);
          Sql.query(
              c,
              "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ?",
              rs -> null,
              name);
          access.forget(c, name);
          try {
            Sql.ddl(c, "DROP ROLE " + quote(name));
          } catch (SQLException e) {
            if (SqlErrors.UNDEFINED_OBJECT.equals(e.getSQLState())) {
              throw Catalog.roleNotFound(name);
            }
            throw e;
          }
          return null;
        });
  }

  @Override
  public void grantAccess(String userName, String host, List<String> databaseNames) {
    String name = ReservedNames.userRole("name", userName);
    host(host);
    List<String> databases = grantTargets(databaseNames);
    session.execute(
        "grant access to '" + name + "'",
        false,
        c -> {
          Catalog.requireRole(c, name);
          Catalog.requireDatabases(c, databases);
          access.grant(c, name, databases);
          return null;
        });
  }

  /**
   * Idempotent per database: revoking access the user does not have, or to a database that is gone,
   * is not an error.
   */
  @Override
  public void revokeAccess(String userName, String host, List<String> databaseNames) {
    String name = ReservedNames.userRole("name", userName);
    host(host);
    List<String> databases = new ArrayList<>(new LinkedHashSet<>(databaseNames));
    databases.forEach(db -> IdentifierRules.databaseName("databases", db));
    session.execute(
        "revoke access from '" + name + "'",
        false,
        c -> {
          Catalog.requireRole(c, name);
          for (String db : databases) {
            if (Catalog.databaseExists(c, db)) {
              access.revoke(c, name, db);
            }
          }
          return null;
        });
  }

  @Override
  public void changePassword(String userName, String host, Secret password) {
    String name = ReservedNames.userRole("name", userName);
    host(host);
    IdentifierRules.password("password", password);
    String passwordClause = Passwords.clause(password);
    session.execute(
        "change the password of '" + name + "'",
        true,
        c -> {
          try {
            Sql.ddl(c, "ALTER ROLE " + quote(name) + " " + passwordClause);
          } catch (SQLException e) {
            if (SqlErrors.UNDEFINED_OBJECT.equals(e.getSQLState())) {
              throw Catalog.roleNotFound(name);
            }
            throw e;
          }
          return null;
        });
  }

  /** Roles are not scoped by host: only empty or {@code %} (any host) make sense. */
  static void host(String host) {
    if (host != null && !host.isEmpty() && !host.equals("%")) {
      throw DatastoreException.invalidArgument(
          "host", "PostgreSQL roles are not scoped by host; leave it empty or '%'");
    }
  }

  // Granting a system database (postgres, template1) is refused, as are bad names.
  private static List<String> grantTargets(List<String> databases) {
    List<String> unique = new ArrayList<>(new LinkedHashSet<>(databases));
    unique.forEach(db -> ReservedNames.userDatabase("databases", db));
    return unique;
  }

  private void dropQuietly(Connection c, String name) {
    try {
      access.forget(c, name);
      Sql.ddl(c, "DROP ROLE IF EXISTS " + quote(name));
    } catch (SQLException | RuntimeException e) {
      log.warn(
          "Could not drop role '{}' after a failed grant; drop it by hand: {}",
          name,
          e.getMessage());
    }
  }
}
