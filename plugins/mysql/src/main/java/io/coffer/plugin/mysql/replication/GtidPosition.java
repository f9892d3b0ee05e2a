package io.coffer.plugin.mysql.replication;

import io.coffer.spi.DatastoreException;
import java.util.regex.Pattern;

/**
 * A MariaDB GTID position as the server prints it: one {@code domain-server-sequence} per
 * replication domain, separated by commas, e.g. {@code 0-1-42,1-2-7}; empty means "no transaction
 * yet" (<a href="https://mariadb.com/kb/en/gtid/#the-form-of-the-global-transaction-id">the form of
 * the GTID</a>). Domain and server ids are 32-bit, sequence numbers 64-bit unsigned.
 */
final class GtidPosition {

  static final int MAX_LENGTH = 4096;
  private static final Pattern GTID = Pattern.compile("\\d{1,10}-\\d{1,10}-\\d{1,20}");

  private GtidPosition() {}

  /** {@code position} without spaces around the commas; "" stays "". */
  static String check(String field, String position) {
    if (position == null || position.isBlank()) {
      return "";
    }
    if (position.length() > MAX_LENGTH) {
      throw DatastoreException.invalidArgument(
          field, "must be at most " + MAX_LENGTH + " characters");
    }
    StringBuilder out = new StringBuilder();
    for (String part : position.split(",", -1)) {
      String gtid = part.strip();
      if (!GTID.matcher(gtid).matches()) {
        throw DatastoreException.invalidArgument(
            field,
            "must be a MariaDB GTID position such as 0-1-42"
                + " (domain-server-sequence, comma-separated per domain)");
      }
      out.append(out.length() == 0 ? "" : ",").append(gtid);
    }
    return out.toString();
  }
}
