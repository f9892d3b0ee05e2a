package io.coffer.plugin.postgresql.naming;

import io.coffer.spi.DatastoreException;
import java.util.Locale;
import java.util.Set;

/**
 * Names users may not manage: PostgreSQL's own databases and roles, and Coffer's.
 *
 * <p>Databases: {@code postgres}, {@code template0} and {@code template1}, which initdb creates (<a
 * href="https://www.postgresql.org/docs/15/manage-ag-templatedbs.html">Template Databases</a>).
 * Roles: names starting with {@code pg_}, which the server reserves for its predefined roles (<a
 * href="https://www.postgresql.org/docs/15/predefined-roles.html">Predefined Roles</a>); {@code
 * public} and {@code none}, which it refuses as role names; {@code current_user}, {@code
 * current_role} and {@code session_user}, which mean something else wherever a role is named (<a
 * href="https://www.postgresql.org/docs/15/sql-createrole.html">CREATE ROLE</a>); {@code postgres},
 * the superuser that {@link io.coffer.spi.DatastoreManager#enableRoot()} enables, as Trove does;
 * and Coffer's own roles, starting with {@link #INTERNAL_ROLE_PREFIX}, such as {@link #ADMIN_ROLE}.
 * Comparisons ignore case so that look-alikes such as {@code Postgres} or {@code PG_monitor} are
 * refused too.
 */
public final class ReservedNames {

  /** The agent's administrative role: the bootstrap superuser initdb creates. */
  public static final String ADMIN_ROLE = "coffer_admin";

  /**
   * The replication role: LOGIN REPLICATION, never a superuser
   * (io.coffer.plugin.postgresql.replication).
   */
  public static final String REPLICATION_ROLE = "coffer_repl";

  /** The superuser "root enable" turns on for remote login. */
  public static final String ROOT_ROLE = "postgres";

  /** Prefix of the agent's internal roles. */
  public static final String INTERNAL_ROLE_PREFIX = "coffer_";

  private static final Set<String> SYSTEM_DATABASES = Set.of("postgres", "template0", "template1");
  private static final Set<String> SYSTEM_ROLES =
      Set.of(ROOT_ROLE, "public", "none", "current_user", "current_role", "session_user");

  private ReservedNames() {}

  public static boolean isSystemDatabase(String name) {
    return SYSTEM_DATABASES.contains(name.toLowerCase(Locale.ROOT));
  }

  public static boolean isReservedRole(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return name.isEmpty()
        || SYSTEM_ROLES.contains(lower)
        || lower.startsWith("pg_")
        || lower.startsWith(INTERNAL_ROLE_PREFIX);
  }

  /** Validates a database name that a user may create, drop or be granted. */
  public static String userDatabase(String field, String name) {
    IdentifierRules.databaseName(field, name);
    if (isSystemDatabase(name)) {
      throw DatastoreException.invalidArgument(field, "'" + name + "' is a system database");
    }
    return name;
  }

  /** Validates a role name that users may manage. */
  public static String userRole(String field, String name) {
    IdentifierRules.roleName(field, name);
    if (isReservedRole(name)) {
      throw DatastoreException.invalidArgument(field, "'" + name + "' is a reserved role name");
    }
    return name;
  }
}
