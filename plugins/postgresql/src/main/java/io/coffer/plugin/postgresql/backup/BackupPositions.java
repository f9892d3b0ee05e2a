package io.coffer.plugin.postgresql.backup;

import io.coffer.spi.backup.BackupManifest;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A base backup's positions, from what {@code pg_basebackup --verbose} prints once the server has
 * started and stopped the backup ("write-ahead log start point: 0/2000028 on timeline 1",
 * "write-ahead log end point: 0/2000100"):
 *
 * <ul>
 *   <li>{@link BackupManifest#POSITION_LSN}: the end point, where a restore of the backup becomes
 *       consistent, and where replaying archived WAL (point-in-time restore, replicas) goes on;
 *   <li>{@value #START_LSN}: the start point (the backup checkpoint's redo LSN), which the backup's
 *       {@code backup_label} names too and a restore checks;
 *   <li>{@value #TIMELINE}: the timeline the backup was taken on.
 * </ul>
 *
 * LSNs are written as PostgreSQL prints {@code pg_lsn} values (<a
 * href="https://www.postgresql.org/docs/15/datatype-pg-lsn.html">pg_lsn</a>).
 */
final class BackupPositions {

  static final String START_LSN = "start_lsn";
  static final String TIMELINE = "timeline";

  private static final Pattern START =
      Pattern.compile(
          "write-ahead log start point: ([0-9A-F]{1,8}/[0-9A-F]{1,8}) on timeline (\\d+)");
  private static final Pattern END =
      Pattern.compile("write-ahead log end point: ([0-9A-F]{1,8}/[0-9A-F]{1,8})");
  private static final Pattern LABEL_START =
      Pattern.compile("(?m)^START WAL LOCATION: ([0-9A-F]{1,8}/[0-9A-F]{1,8}) ");

  private BackupPositions() {}

  /**
   * @throws IOException when the output does not name both points (the tool did not finish)
   */
  static Map<String, String> parse(String verboseOutput) throws IOException {
    Matcher start = START.matcher(verboseOutput);
    Matcher end = END.matcher(verboseOutput);
    if (!start.find() || !end.find()) {
      throw new IOException(
          "pg_basebackup did not report the backup's start and end points:\n" + verboseOutput);
    }
    Map<String, String> positions = new LinkedHashMap<>();
    positions.put(BackupManifest.POSITION_LSN, end.group(1));
    positions.put(START_LSN, start.group(1));
    positions.put(TIMELINE, start.group(2));
    return positions;
  }

  /** The start LSN a {@code backup_label} file names, or null. */
  static String labelStart(String backupLabel) {
    Matcher m = LABEL_START.matcher(backupLabel);
    return m.find() ? m.group(1) : null;
  }
}
