package io.coffer.plugin.mysql.naming;

/**
 * Quotes identifiers for the few places where SQL cannot take bound parameters (schema names in DDL
 * and GRANT). Input is validated first; quoting is defence in depth.
 *
 * <p>Backtick quoting doubles embedded backticks (<a
 * href="https://mariadb.com/kb/en/identifier-names/#quote-character">Identifier Names</a>). In
 * GRANT and REVOKE, {@code _} and {@code %} in a database name are wildcards (<a
 * href="https://mariadb.com/kb/en/grant/#database-privileges">GRANT</a>), so a grant on {@code
 * my_db} would also cover {@code myXdb}; {@link #grantPattern} escapes them with a backslash.
 */
public final class SqlIdentifiers {

  private SqlIdentifiers() {}

  /** {@code name} as a backtick-quoted identifier. */
  public static String quote(String name) {
    if (name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("identifier contains NUL");
    }
    return "`" + name.replace("`", "``") + "`";
  }

  /** The grant-table pattern matching exactly the database {@code name} (unquoted). */
  public static String grantPattern(String name) {
    return name.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%");
  }

  /** The database name a grant-table pattern stands for, undoing {@link #grantPattern}. */
  public static String fromGrantPattern(String pattern) {
    StringBuilder out = new StringBuilder(pattern.length());
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\' && i + 1 < pattern.length()) {
        c = pattern.charAt(++i);
      }
      out.append(c);
    }
    return out.toString();
  }
}
