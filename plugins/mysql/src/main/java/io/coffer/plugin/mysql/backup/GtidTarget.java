package io.coffer.plugin.mysql.backup;

import io.coffer.spi.DatastoreException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A point-in-time target given as MariaDB global transaction ids (<a
 * href="https://mariadb.com/kb/en/gtid/">GTID</a>: {@code domain-server-seqno}), one per
 * replication domain, comma-separated: the restore replays up to and including each ({@code
 * mariadb-binlog --stop-position}, inclusive per the tool's documentation).
 *
 * @param text the validated list, as mariadb-binlog takes it
 * @param seqnoByDomain each domain's target sequence number
 */
record GtidTarget(String text, Map<Long, Long> seqnoByDomain) {
  private static final Pattern GTID = Pattern.compile("(\\d{1,10})-(\\d{1,10})-(\\d{1,19})");
  private static final String FIELD = "target_gtid";

  /**
   * @throws DatastoreException INVALID_ARGUMENT (target_gtid) for anything but a list of GTIDs with
   *     distinct domains
   */
  static GtidTarget parse(String value) {
    Map<Long, Long> byDomain = new LinkedHashMap<>();
    if (value.isEmpty() || value.length() > 1_000) {
      throw DatastoreException.invalidArgument(
          FIELD, "must be a GTID such as 0-1-42 (domain-server-seqno)");
    }
    for (String part : value.split(",", -1)) {
      Matcher m = GTID.matcher(part);
      if (!m.matches()) {
        throw DatastoreException.invalidArgument(
            FIELD,
            "must be GTIDs such as 0-1-42 (domain-server-seqno),"
                + " comma-separated, one per domain");
      }
      try {
        if (byDomain.put(Long.parseLong(m.group(1)), Long.parseLong(m.group(3))) != null) {
          throw DatastoreException.invalidArgument(FIELD, "names domain " + m.group(1) + " twice");
        }
      } catch (NumberFormatException e) {
        throw DatastoreException.invalidArgument(FIELD, "has a number out of range");
      }
    }
    return new GtidTarget(value, Map.copyOf(byDomain));
  }

  /**
   * Refuses a target the backup already holds: every domain named must go past the backup's
   * position ({@code gtidSet}, the GTIDs it ends at).
   *
   * @throws DatastoreException INVALID_ARGUMENT (target_gtid)
   */
  void requireAfter(String gtidSet, String backupId) {
    if (gtidSet == null || gtidSet.isBlank()) {
      return;
    }
    for (String part : gtidSet.split(",")) {
      Matcher m = GTID.matcher(part.trim());
      if (!m.matches()) {
        continue;
      }
      Long target = seqnoByDomain.get(Long.parseLong(m.group(1)));
      if (target != null && target <= Long.parseLong(m.group(3))) {
        throw DatastoreException.invalidArgument(
            FIELD,
            text
                + " is already in backup "
                + backupId
                + " (it ends at "
                + gtidSet
                + "); restore it without a target, or give a later GTID");
      }
    }
  }
}
