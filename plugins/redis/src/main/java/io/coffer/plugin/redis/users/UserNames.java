package io.coffer.plugin.redis.users;

import io.coffer.plugin.redis.server.AdminSecret;
import io.coffer.spi.DatastoreException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * ACL user names Coffer accepts: 1-64 characters of letters, digits, {@code _ . -}, not starting
 * with {@code -}. Redis itself allows any name without spaces; the narrower set keeps names safe in
 * ACL files, logs and shells. Reserved: {@code default} (Redis' own, kept off), {@code root} (root
 * enable) and the agent's {@code coffer_*} accounts.
 */
public final class UserNames {
  public static final String ROOT = "root";
  public static final String DEFAULT_USER = "default";
  public static final String RESERVED_PREFIX = "coffer_";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.][A-Za-z0-9_.-]{0,63}");

  private UserNames() {}

  /**
   * @throws DatastoreException INVALID_ARGUMENT (field {@code name})
   */
  public static String check(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw DatastoreException.invalidArgument(
          "name",
          "must be 1-64 characters of letters, digits, '_', '.' and '-'"
              + " (not starting with '-')");
    }
    if (isReserved(name)) {
      throw DatastoreException.invalidArgument("name", "'" + name + "' is reserved");
    }
    return name;
  }

  /** Accounts listings leave out. */
  public static boolean isReserved(String name) {
    return name.equalsIgnoreCase(DEFAULT_USER)
        || name.equalsIgnoreCase(ROOT)
        || name.toLowerCase(Locale.ROOT).startsWith(RESERVED_PREFIX)
        || name.equals(AdminSecret.ADMIN_USER);
  }
}
