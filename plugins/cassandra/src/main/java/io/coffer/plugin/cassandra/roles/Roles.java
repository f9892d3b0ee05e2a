package io.coffer.plugin.cassandra.roles;

import com.datastax.oss.driver.api.core.cql.Row;
import io.coffer.plugin.cassandra.cql.CqlAdmin;
import io.coffer.plugin.cassandra.cql.CqlNames;
import io.coffer.plugin.cassandra.cql.PasswordHash;
import io.coffer.plugin.cassandra.jmx.NodeJmx;
import io.coffer.plugin.cassandra.keyspaces.Keyspaces;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.Secret;
import io.coffer.spi.UserAccount;
import io.coffer.spi.user.Users;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Roles with {@code LOGIN} as the instance's users (<a
 * href="https://cassandra.apache.org/doc/5.0/cassandra/developing/cql/security.html">CQL
 * security</a>). Access to a database is {@code GRANT ALL PERMISSIONS ON KEYSPACE}. Passwords go to
 * Cassandra as bcrypt hashes ({@code HASHED PASSWORD}). The host of {@link UserAccount} does not
 * apply to Cassandra and is ignored.
 *
 * <p>After every change the node's authentication caches are emptied over JMX, so the change
 * applies to the next login and statement here; other nodes of a cluster apply it within their
 * caches' validity (Cassandra's {@code credentials_validity}, {@code roles_validity} and {@code
 * permissions_validity}, 2 s by default).
 */
public final class Roles implements Users {
  private static final Logger log = LoggerFactory.getLogger(Roles.class);

  private final CqlAdmin cql;
  private final Keyspaces keyspaces;
  private final NodeJmx jmx;

  public Roles(CqlAdmin cql, Keyspaces keyspaces, NodeJmx jmx) {
    this.cql = cql;
    this.keyspaces = keyspaces;
    this.jmx = jmx;
  }

  @Override
  public List<UserAccount> list() {
    Map<String, TreeSet<String>> roles = new TreeMap<>();
    for (Row row : cql.execute("SELECT role, can_login FROM system_auth.roles")) {
      String role = row.getString(0);
      if (row.getBoolean(1) && !internal(role)) {
        roles.put(role, new TreeSet<>());
      }
    }
    for (Row row : cql.execute("SELECT role, resource FROM system_auth.role_permissions")) {
      TreeSet<String> databases = roles.get(row.getString(0));
      String keyspace = keyspaceOf(row.getString(1));
      if (databases != null && keyspace != null) {
        databases.add(keyspace);
      }
    }
    List<UserAccount> out = new ArrayList<>();
    roles.forEach((role, dbs) -> out.add(new UserAccount(role, "%", List.copyOf(dbs))));
    return out;
  }

  /**
   * @throws DatastoreException INVALID_ARGUMENT, ALREADY_EXISTS, NOT_FOUND (a keyspace)
   */
  @Override
  public void create(UserAccount user, Secret password) {
    String name = CqlNames.role("user.name", user.name());
    PasswordHash.check("password", password);
    List<String> databases = requireKeyspaces("user.databases", user.databases());
    if (exists(name)) {
      throw DatastoreException.alreadyExists("user.name", "role " + name + " exists");
    }
    cql.execute(
        "CREATE ROLE "
            + CqlNames.quote(name)
            + " WITH HASHED PASSWORD = "
            + CqlNames.literal(PasswordHash.of(password))
            + " AND LOGIN = true");
    try {
      grant(name, databases);
    } catch (RuntimeException e) {
      // all or nothing: a role without its grants is not what the caller asked for
      try {
        cql.execute("DROP ROLE IF EXISTS " + CqlNames.quote(name));
      } catch (RuntimeException dropFailed) {
        e.addSuppressed(dropFailed);
      }
      throw e;
    }
    invalidateCaches();
  }

  @Override
  public void delete(String name, String host) {
    requireRole("name", name);
    cql.execute("DROP ROLE IF EXISTS " + CqlNames.quote(name));
    invalidateCaches();
  }

  @Override
  public void grantAccess(String name, String host, List<String> databases) {
    requireRole("name", name);
    grant(name, requireKeyspaces("databases", databases));
    invalidateCaches();
  }

  @Override
  public void revokeAccess(String name, String host, List<String> databases) {
    requireRole("name", name);
    for (String db : requireKeyspaces("databases", databases)) {
      cql.execute(
          "REVOKE ALL PERMISSIONS ON KEYSPACE "
              + CqlNames.quote(db)
              + " FROM "
              + CqlNames.quote(name));
    }
    invalidateCaches();
  }

  @Override
  public void changePassword(String name, String host, Secret password) {
    requireRole("name", name);
    PasswordHash.check("password", password);
    cql.execute(
        "ALTER ROLE "
            + CqlNames.quote(name)
            + " WITH HASHED PASSWORD = "
            + CqlNames.literal(PasswordHash.of(password)));
    invalidateCaches();
  }

  /**
   * Trove's "root enable": the superuser role {@value CqlNames#ROOT_ROLE}, created on first use,
   * with {@code password}.
   */
  public String enableRoot(Secret password) {
    PasswordHash.check("password", password);
    String options =
        " WITH HASHED PASSWORD = "
            + CqlNames.literal(PasswordHash.of(password))
            + " AND LOGIN = true AND SUPERUSER = true";
    cql.execute("CREATE ROLE IF NOT EXISTS " + CqlNames.quote(CqlNames.ROOT_ROLE) + options);
    cql.execute("ALTER ROLE " + CqlNames.quote(CqlNames.ROOT_ROLE) + options);
    invalidateCaches();
    return CqlNames.ROOT_ROLE;
  }

  private void grant(String role, List<String> databases) {
    for (String db : databases) {
      cql.execute(
          "GRANT ALL PERMISSIONS ON KEYSPACE "
              + CqlNames.quote(db)
              + " TO "
              + CqlNames.quote(role));
    }
  }

  private void requireRole(String field, String name) {
    CqlNames.role(field, name);
    if (!exists(name)) {
      throw DatastoreException.notFound(field, "no user " + name);
    }
  }

  private List<String> requireKeyspaces(String field, List<String> databases) {
    for (int i = 0; i < databases.size(); i++) {
      CqlNames.keyspace(field + "[" + i + "]", databases.get(i));
    }
    for (int i = 0; i < databases.size(); i++) {
      if (!keyspaces.exists(databases.get(i))) {
        throw DatastoreException.notFound(field + "[" + i + "]", "no keyspace " + databases.get(i));
      }
    }
    return databases;
  }

  private boolean exists(String role) {
    return cql.execute("SELECT role FROM system_auth.roles WHERE role = ?", role).one() != null;
  }

  private void invalidateCaches() {
    try {
      jmx.invalidateAuthCaches();
    } catch (DatastoreException e) {
      // the change is made; it applies once the caches expire (2 s by default)
      log.warn("could not empty Cassandra's authentication caches: {}", e.getMessage());
    }
  }

  /** Roles that are not users: the agent's, the default superuser, root. */
  private static boolean internal(String role) {
    return role.equals(CqlNames.ADMIN_ROLE)
        || role.equals(CqlNames.DEFAULT_SUPERUSER)
        || role.equals(CqlNames.ROOT_ROLE)
        || role.startsWith("coffer_");
  }

  /** {@code data/<keyspace>} names a keyspace; tables and other resources are not databases. */
  static String keyspaceOf(String resource) {
    if (resource == null || !resource.startsWith("data/")) {
      return null;
    }
    String rest = resource.substring("data/".length());
    return rest.isEmpty() || rest.contains("/") ? null : rest;
  }
}
