package io.coffer.plugin.cassandra.cql;

import io.coffer.plugin.kit.naming.NameCheck;
import io.coffer.spi.DatastoreException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Names callers give for keyspaces and roles, and how they reach CQL.
 *
 * <p>Keyspace names: Cassandra allows letters, digits and underscores, at most 48 characters (<a
 * href="https://cassandra.apache.org/doc/5.0/cassandra/developing/cql/ddl.html#common-definitions">
 * CQL DDL, common definitions</a>). Coffer takes the lower-case subset, starting with a letter, so
 * that a name means the same keyspace quoted or not. Role names follow the same rule, up to 64
 * characters. Both are always double-quoted in CQL; values are single-quoted with quotes doubled.
 */
public final class CqlNames {
  private static final Pattern ALLOWED = Pattern.compile("[a-z0-9_]");
  private static final String ALLOWED_TEXT = "lower-case letters, digits and '_'";
  public static final int MAX_KEYSPACE = 48;
  public static final int MAX_ROLE = 64;

  /** Cassandra's own keyspaces. */
  private static final Set<String> SYSTEM_KEYSPACES =
      Set.of(
          "system",
          "system_auth",
          "system_schema",
          "system_distributed",
          "system_traces",
          "system_views",
          "system_virtual_schema");

  /** Roles the agent keeps for itself or that the engine creates. */
  public static final String ADMIN_ROLE = "coffer_admin";

  public static final String DEFAULT_SUPERUSER = "cassandra";
  public static final String ROOT_ROLE = "root";
  private static final Set<String> RESERVED_ROLES = Set.of(DEFAULT_SUPERUSER, ROOT_ROLE);

  private CqlNames() {}

  /** Whether {@code name} is one of Cassandra's own keyspaces. */
  public static boolean systemKeyspace(String name) {
    return SYSTEM_KEYSPACES.contains(name) || name.startsWith("system_");
  }

  /**
   * @throws DatastoreException INVALID_ARGUMENT on {@code field}
   */
  public static String keyspace(String field, String name) {
    check(field, name, MAX_KEYSPACE);
    if (systemKeyspace(name.toLowerCase(Locale.ROOT))) {
      throw DatastoreException.invalidArgument(field, "'" + name + "' is a system keyspace");
    }
    return name;
  }

  /**
   * @throws DatastoreException INVALID_ARGUMENT on {@code field}
   */
  public static String role(String field, String name) {
    check(field, name, MAX_ROLE);
    if (RESERVED_ROLES.contains(name) || name.startsWith("coffer_")) {
      throw DatastoreException.invalidArgument(field, "'" + name + "' is reserved");
    }
    return name;
  }

  private static void check(String field, String name, int max) {
    NameCheck.check(field, name, max, ALLOWED, ALLOWED_TEXT);
    if (!Character.isLetter(name.charAt(0))) {
      throw DatastoreException.invalidArgument(field, "must start with a letter");
    }
  }

  /** A double-quoted CQL identifier. */
  public static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  /** A single-quoted CQL string literal. */
  public static String literal(String value) {
    return '\'' + value.replace("'", "''") + '\'';
  }
}
