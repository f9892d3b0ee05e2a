package io.coffer.plugin.postgresql.naming;

import io.coffer.plugin.kit.naming.NameCheck;
import io.coffer.spi.Secret;
import java.util.regex.Pattern;

/**
 * Validates every user-supplied name before any SQL runs, so that bad input is rejected with
 * INVALID_ARGUMENT and never reaches the server.
 *
 * <p>PostgreSQL accepts any character but NUL in a quoted identifier, truncates identifiers to
 * {@value #MAX_IDENTIFIER_BYTES} bytes ({@code NAMEDATALEN - 1}) and folds unquoted ones to lower
 * case (<a
 * href="https://www.postgresql.org/docs/15/sql-syntax-lexical.html#SQL-SYNTAX-IDENTIFIERS">Identifiers
 * and Key Words</a>). These rules are deliberately narrower: a portable, unambiguous subset that
 * needs no escaping in file names, {@code pg_hba.conf}, connection strings or client tools, and
 * that is refused rather than silently truncated when too long. Names are always double-quoted
 * ({@link SqlIdentifiers}), so case is kept and key words such as {@code user} are fine.
 */
public final class IdentifierRules {

  /** {@code NAMEDATALEN - 1}: longer identifiers are truncated by the server. */
  public static final int MAX_IDENTIFIER_BYTES = 63;

  public static final int MAX_PASSWORD = 256;
  public static final int MAX_ENCODING_NAME = 32;
  public static final int MAX_LOCALE_NAME = 64;

  private static final Pattern DATABASE_CHARS = Pattern.compile("[A-Za-z0-9_$-]");
  private static final Pattern ROLE_CHARS = Pattern.compile("[A-Za-z0-9_.$-]");
  private static final Pattern ENCODING_CHARS = Pattern.compile("[A-Za-z0-9_-]");
  // libc locale names such as C, C.UTF-8, en_US.utf8, de_DE@euro, sr_RS.UTF-8@latin
  private static final Pattern LOCALE_CHARS = Pattern.compile("[A-Za-z0-9_.@-]");

  private IdentifierRules() {}

  /** A database name: 1-63 of {@code A-Z a-z 0-9 _ $ -}. Does not check reserved names. */
  public static String databaseName(String field, String name) {
    return NameCheck.check(
        field,
        name,
        MAX_IDENTIFIER_BYTES,
        DATABASE_CHARS,
        "letters A-Z a-z, digits, '_', '$' and '-'");
  }

  /** A role (user) name: 1-63 of {@code A-Z a-z 0-9 _ . $ -}. Does not check reserved names. */
  public static String roleName(String field, String name) {
    return NameCheck.check(
        field,
        name,
        MAX_IDENTIFIER_BYTES,
        ROLE_CHARS,
        "letters A-Z a-z, digits, '_', '.', '$' and '-'");
  }

  /** A password: 1-256 characters, no NUL. The message never includes the value. */
  public static Secret password(String field, Secret password) {
    return NameCheck.password(field, password, MAX_PASSWORD);
  }

  /**
   * An encoding name such as {@code UTF8}, {@code LATIN1} or {@code WIN1252} (<a
   * href="https://www.postgresql.org/docs/15/multibyte.html#MULTIBYTE-CHARSET-SUPPORTED">supported
   * character sets</a>); whether the server knows it is checked against the server.
   */
  public static String encodingName(String field, String name) {
    return NameCheck.check(
        field, name, MAX_ENCODING_NAME, ENCODING_CHARS, "letters A-Z a-z, digits, '_' and '-'");
  }

  /**
   * A libc locale name such as {@code C.UTF-8} or {@code en_US.utf8}, for LC_COLLATE and LC_CTYPE.
   */
  public static String localeName(String field, String name) {
    return NameCheck.check(
        field,
        name,
        MAX_LOCALE_NAME,
        LOCALE_CHARS,
        "letters A-Z a-z, digits, '_', '.', '@' and '-'");
  }
}
