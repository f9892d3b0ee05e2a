package io.coffer.plugin.postgresql.replication;

import io.coffer.spi.DatastoreException;
import java.util.Locale;
import java.util.regex.Pattern;

/** WAL positions as PostgreSQL prints them: {@code X/Y} in hex (the {@code pg_lsn} type). */
final class Lsn {
  private static final Pattern FORMAT = Pattern.compile("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}");

  private Lsn() {}

  /** {@code value} when it is an LSN; INVALID_ARGUMENT naming {@code field} otherwise. */
  static String check(String field, String value) {
    if (value == null || !FORMAT.matcher(value).matches()) {
      throw DatastoreException.invalidArgument(field, "must be a PostgreSQL LSN such as 0/3000060");
    }
    return value.toUpperCase(Locale.ROOT);
  }
}
