package io.coffer.plugin.mysql.naming;

import io.coffer.spi.DatastoreException;
import java.util.Locale;
import java.util.Set;

/**
 * Names users may not manage: MariaDB's system schemas and accounts, and Coffer's own accounts.
 *
 * <p>System schemas: <a href="https://mariadb.com/kb/en/the-mysql-database-tables/">mysql</a>,
 * information_schema, performance_schema and sys. System accounts created by <a
 * href="https://mariadb.com/kb/en/mariadb-install-db/">mariadb-install-db</a>: {@code root}, {@code
 * mariadb.sys} and {@code mysql}; {@code PUBLIC} is a reserved role name. Coffer's own accounts
 * start with {@link #INTERNAL_USER_PREFIX}, such as the replication account ({@code coffer_repl}):
 * users can neither create, change nor drop them, {@code listUsers} hides them, logical backups do
 * not export them, and they do not make an instance non-empty for a restore (a replica restored
 * from a physical backup of its source carries the source's replication account). Comparisons
 * ignore case so that look-alikes such as {@code MySQL} are refused too.
 */
public final class ReservedNames {

  private static final Set<String> SYSTEM_DATABASES =
      Set.of("mysql", "information_schema", "performance_schema", "sys");
  private static final Set<String> SYSTEM_USERS = Set.of("root", "mariadb.sys", "mysql", "public");

  /** Prefix of the agent's internal accounts. */
  public static final String INTERNAL_USER_PREFIX = "coffer_";

  private ReservedNames() {}

  public static boolean isSystemDatabase(String name) {
    return SYSTEM_DATABASES.contains(name.toLowerCase(Locale.ROOT))
        // MariaDB lists stray data-dir entries such as lost+found as #mysql50#...
        || name.startsWith("#mysql50#");
  }

  public static boolean isReservedUser(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return name.isEmpty() || SYSTEM_USERS.contains(lower) || lower.startsWith(INTERNAL_USER_PREFIX);
  }

  /** Validates a database name that a user may create, drop or be granted. */
  public static String userDatabase(String field, String name) {
    IdentifierRules.databaseName(field, name);
    if (isSystemDatabase(name)) {
      throw DatastoreException.invalidArgument(field, "'" + name + "' is a system database");
    }
    return name;
  }

  /**
   * Validates the name of one of the agent's own accounts (e.g. the replication account), which
   * must be reserved so that users can neither see nor change it.
   */
  public static String internalUser(String field, String name) {
    IdentifierRules.userName(field, name);
    if (!name.toLowerCase(Locale.ROOT).startsWith(INTERNAL_USER_PREFIX)) {
      throw DatastoreException.invalidArgument(
          field,
          "must start with '"
              + INTERNAL_USER_PREFIX
              + "', the prefix of the agent's reserved accounts");
    }
    return name;
  }

  /** Validates a user name that users may manage. */
  public static String userManagedUser(String field, String name) {
    IdentifierRules.userName(field, name);
    if (isReservedUser(name)) {
      throw DatastoreException.invalidArgument(field, "'" + name + "' is a reserved account name");
    }
    return name;
  }
}
