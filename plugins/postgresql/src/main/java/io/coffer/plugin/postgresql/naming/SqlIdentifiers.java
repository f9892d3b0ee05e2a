package io.coffer.plugin.postgresql.naming;

import java.sql.SQLException;
import org.postgresql.core.Utils;

/**
 * Quotes names and values for the places where SQL cannot take bound parameters (DDL such as CREATE
 * DATABASE, CREATE ROLE and GRANT), with the JDBC driver's own escaping ({@link
 * Utils#escapeIdentifier}, {@link Utils#escapeLiteral}). Input is validated first ({@link
 * IdentifierRules}); quoting is defence in depth.
 *
 * <p>A double-quoted identifier doubles embedded double quotes (<a
 * href="https://www.postgresql.org/docs/15/sql-syntax-lexical.html#SQL-SYNTAX-IDENTIFIERS">quoted
 * identifiers</a>). A string constant doubles embedded single quotes; it is read the same way
 * whatever {@code standard_conforming_strings} says only while it holds no backslash (<a
 * href="https://www.postgresql.org/docs/15/sql-syntax-lexical.html#SQL-SYNTAX-CONSTANTS">string
 * constants</a>), so {@link #literal} refuses backslashes: none of the values it quotes (SCRAM
 * verifiers, encoding and locale names) can hold one.
 */
public final class SqlIdentifiers {

  private SqlIdentifiers() {}

  /** {@code name} as a double-quoted identifier. */
  public static String quote(String name) {
    try {
      return Utils.escapeIdentifier(new StringBuilder(name.length() + 2), name).toString();
    } catch (SQLException e) { // NUL
      throw new IllegalArgumentException("an identifier must not contain NUL", e);
    }
  }

  /** {@code value} as a standard string constant, quotes included. */
  public static String literal(String value) {
    if (value.indexOf('\\') >= 0) {
      throw new IllegalArgumentException("a quoted literal must not contain a backslash");
    }
    try {
      return Utils.escapeLiteral(new StringBuilder(value.length() + 2).append('\''), value, true)
          .append('\'')
          .toString();
    } catch (SQLException e) { // NUL
      throw new IllegalArgumentException("a quoted literal must not contain NUL", e);
    }
  }
}
