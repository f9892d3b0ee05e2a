package io.coffer.plugin.kit.naming;

import io.coffer.spi.DatastoreException;
import io.coffer.spi.Secret;
import java.util.regex.Pattern;

/**
 * Checks a name against an engine's narrow, portable rule (a set of allowed characters and a
 * maximum length), answering INVALID_ARGUMENT that names the field, the offending character and its
 * position, or the length. Each plugin's {@code IdentifierRules} states its engine's limits.
 */
public final class NameCheck {
  private NameCheck() {}

  /**
   * @param allowed matches one allowed character (code point)
   * @param allowedText the allowed characters in words, for the error message
   * @return {@code value}, unchanged
   * @throws DatastoreException INVALID_ARGUMENT on {@code field} when empty, with a character
   *     outside {@code allowed}, or longer than {@code max} characters
   */
  public static String check(
      String field, String value, int max, Pattern allowed, String allowedText) {
    if (value == null || value.isEmpty()) {
      throw DatastoreException.invalidArgument(field, "must not be empty");
    }
    for (int i = 0; i < value.length(); ) {
      int cp = value.codePointAt(i);
      if (!allowed.matcher(Character.toString(cp)).matches()) {
        throw DatastoreException.invalidArgument(
            field,
            "contains " + describe(cp) + " at position " + (i + 1) + "; allowed: " + allowedText);
      }
      i += Character.charCount(cp);
    }
    if (value.length() > max) {
      throw DatastoreException.invalidArgument(
          field, "must be at most " + max + " characters, got " + value.length());
    }
    return value;
  }

  /**
   * A password: 1 to {@code max} characters, no NUL. The message never includes the value.
   *
   * @throws DatastoreException INVALID_ARGUMENT on {@code field}
   */
  public static Secret password(String field, Secret password, int max) {
    if (password == null || password.isEmpty()) {
      throw DatastoreException.invalidArgument(field, "must not be empty");
    }
    String value = password.reveal();
    if (value.length() > max) {
      throw DatastoreException.invalidArgument(field, "must be at most " + max + " characters");
    }
    if (value.indexOf('\0') >= 0) {
      throw DatastoreException.invalidArgument(field, "must not contain NUL characters");
    }
    return password;
  }

  // Shows printable ASCII as is and anything else as a code point, so messages stay readable.
  private static String describe(int cp) {
    String code = String.format("U+%04X", cp);
    return cp > 0x20 && cp < 0x7f ? code + " '" + (char) cp + "'" : code;
  }
}
