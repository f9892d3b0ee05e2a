package io.coffer.plugin.mysql.naming;

import io.coffer.plugin.kit.naming.NameCheck;
import io.coffer.spi.Secret;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Validates every user-supplied name before any SQL runs, so that bad input is rejected with
 * INVALID_ARGUMENT and never reaches the server.
 *
 * <p>The rules are deliberately narrower than what MariaDB accepts when identifiers are quoted (<a
 * href="https://mariadb.com/kb/en/identifier-names/">Identifier Names</a>): a portable, unambiguous
 * subset that needs no escaping in file names, grant tables or client tools. Limits follow MariaDB:
 * database names up to 64 characters, user names up to 80 characters (<a
 * href="https://mariadb.com/kb/en/create-user/">CREATE USER</a>), host names up to 255.
 */
public final class IdentifierRules {

  public static final int MAX_DATABASE_NAME = 64;
  public static final int MAX_USER_NAME = 80;
  public static final int MAX_HOST = 255;
  public static final int MAX_PASSWORD = 256;
  public static final int MAX_CHARSET_NAME = 32;

  private static final Pattern DATABASE_CHARS = Pattern.compile("[A-Za-z0-9_$-]");
  private static final Pattern USER_CHARS = Pattern.compile("[A-Za-z0-9_.$-]");
  // Host names and IPv4 literals; '%' and '_' are MariaDB's host wildcards.
  private static final Pattern HOST_CHARS = Pattern.compile("[A-Za-z0-9._%-]");
  // IPv6 literals (also IPv4-mapped, e.g. ::ffff:10.0.0.1), optionally with '%' wildcards.
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.%]*:[0-9A-Fa-f:.%]*");
  private static final Pattern CHARSET_CHARS = Pattern.compile("[A-Za-z0-9_]");

  private IdentifierRules() {}

  /** A database name: 1-64 of {@code A-Z a-z 0-9 _ $ -}. All digits is fine: we always quote. */
  public static String databaseName(String field, String name) {
    return NameCheck.check(
        field,
        name,
        MAX_DATABASE_NAME,
        DATABASE_CHARS,
        "letters A-Z a-z, digits, '_', '$' and '-'");
  }

  /** A user name: 1-80 of {@code A-Z a-z 0-9 _ . $ -}. Does not check reserved names. */
  public static String userName(String field, String name) {
    return NameCheck.check(
        field, name, MAX_USER_NAME, USER_CHARS, "letters A-Z a-z, digits, '_', '.', '$' and '-'");
  }

  /**
   * A host pattern: {@code %}, {@code localhost}, a host name or IPv4 literal of {@code A-Z a-z 0-9
   * . - _ %}, or an IPv6 literal; at most 255 characters. Returned in lower case, as MariaDB stores
   * host names case-insensitively.
   */
  public static String host(String field, String host) {
    if (host != null
        && !host.isEmpty()
        && host.length() <= MAX_HOST
        && IPV6.matcher(host).matches()) {
      return host.toLowerCase(Locale.ROOT);
    }
    return NameCheck.check(
            field,
            host,
            MAX_HOST,
            HOST_CHARS,
            "'%', 'localhost', a host name or IPv4 address of letters, digits, '.', '-', '_' and '%', or an IPv6 address")
        .toLowerCase(Locale.ROOT);
  }

  /** A password: 1-256 characters, no NUL. The message never includes the value. */
  public static Secret password(String field, Secret password) {
    return NameCheck.password(field, password, MAX_PASSWORD);
  }

  /** A character set or collation name: 1-32 of {@code A-Z a-z 0-9 _}. */
  public static String charsetName(String field, String name) {
    return NameCheck.check(
        field, name, MAX_CHARSET_NAME, CHARSET_CHARS, "letters A-Z a-z, digits and '_'");
  }
}
