package io.coffer.plugin.mysql.backup;

import io.coffer.spi.backup.BackupManifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What mariadb-backup records about a backup, read from the metadata files it writes (<a
 * href="https://mariadb.com/kb/en/files-created-by-mariadb-backup/">files created by
 * mariadb-backup</a>): the backup type and LSN range from {@code xtrabackup_checkpoints}, and the
 * binary log position at the backup's consistent point. 10.11 puts that position in {@code
 * xtrabackup_binlog_info} inside the stream but, in the {@code --extra-lsndir}, only as the {@code
 * binlog_pos} line of {@code xtrabackup_info}; both are understood. Newer versions name the files
 * {@code mariadb_backup_*} (MDEV-18931), which are read first.
 *
 * @param backupType {@code full-backuped}, {@code incremental}, {@code log-applied}, ...
 * @param toLsn the checkpoint LSN the backup starts from; an incremental child copies the pages
 *     changed after it, as {@code --incremental-basedir} would
 * @param binlog binary log file, offset and GTID position as the engine prints them; empty values
 *     left out (no binary log, or no GTID yet)
 */
record BackupMetadata(
    String backupType, long fromLsn, long toLsn, long lastLsn, Map<String, String> binlog) {

  static final String FULL = "full-backuped";
  static final String INCREMENTAL = "incremental";

  /** Extra position keys, beside {@link BackupManifest#POSITION_LSN} (= to_lsn). */
  static final String FROM_LSN = "from_lsn";

  static final String LAST_LSN = "last_lsn";

  private static final List<String> CHECKPOINTS =
      List.of("mariadb_backup_checkpoints", "xtrabackup_checkpoints");
  private static final List<String> BINLOG_INFO =
      List.of("mariadb_backup_binlog_info", "xtrabackup_binlog_info");
  private static final List<String> INFO = List.of("mariadb_backup_info", "xtrabackup_info");
  private static final Pattern KEY_VALUE =
      Pattern.compile("^\\s*([a-z_]+)\\s*=\\s*(.*?)\\s*$", Pattern.MULTILINE);
  // binlog_pos = filename 'mariadb-bin.000001', position '1289', GTID of the last change '0-1-5'
  private static final Pattern BINLOG_POS =
      Pattern.compile(
          "filename '([^']*)', position '(\\d+)'(?:, GTID of the last change '([^']*)')?");

  /** The checkpoints file's name in {@code dir}, if mariadb-backup wrote one there. */
  static Optional<Path> checkpointsFile(Path dir) {
    return CHECKPOINTS.stream().map(dir::resolve).filter(Files::isRegularFile).findFirst();
  }

  /**
   * @throws IOException when there is no checkpoints file or it lacks the LSNs
   */
  static BackupMetadata read(Path dir) throws IOException {
    Path checkpoints =
        checkpointsFile(dir)
            .orElseThrow(
                () ->
                    new IOException(
                        "no "
                            + CHECKPOINTS.get(1)
                            + " in "
                            + dir
                            + ": not a complete mariadb-backup backup"));
    Map<String, String> values = keyValues(Files.readString(checkpoints, StandardCharsets.UTF_8));
    return new BackupMetadata(
        values.getOrDefault("backup_type", ""),
        lsn(values, "from_lsn", checkpoints),
        lsn(values, "to_lsn", checkpoints),
        values.containsKey("last_lsn") ? lsn(values, "last_lsn", checkpoints) : -1,
        binlog(dir));
  }

  /** The manifest positions: LSN (to_lsn), from_lsn, last_lsn and the binary log position. */
  Map<String, String> positions() {
    Map<String, String> positions = new LinkedHashMap<>();
    positions.put(BackupManifest.POSITION_LSN, Long.toString(toLsn));
    positions.put(FROM_LSN, Long.toString(fromLsn));
    if (lastLsn >= 0) {
      positions.put(LAST_LSN, Long.toString(lastLsn));
    }
    positions.putAll(binlog);
    return positions;
  }

  private static Map<String, String> binlog(Path dir) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    Optional<Path> info =
        BINLOG_INFO.stream().map(dir::resolve).filter(Files::isRegularFile).findFirst();
    if (info.isPresent()) {
      // "mariadb-bin.000001<TAB>1289<TAB>0-1-5"
      String[] fields = Files.readString(info.get(), StandardCharsets.UTF_8).strip().split("\\s+");
      put(out, BackupManifest.POSITION_BINLOG_FILE, fields.length > 0 ? fields[0] : "");
      put(out, BackupManifest.POSITION_BINLOG_OFFSET, fields.length > 1 ? fields[1] : "");
      put(out, BackupManifest.POSITION_GTID_SET, fields.length > 2 ? fields[2] : "");
      return out;
    }
    Optional<Path> general =
        INFO.stream().map(dir::resolve).filter(Files::isRegularFile).findFirst();
    if (general.isPresent()) {
      String binlogPos =
          keyValues(Files.readString(general.get(), StandardCharsets.UTF_8))
              .getOrDefault("binlog_pos", "");
      Matcher m = BINLOG_POS.matcher(binlogPos);
      if (m.find()) {
        put(out, BackupManifest.POSITION_BINLOG_FILE, m.group(1));
        put(out, BackupManifest.POSITION_BINLOG_OFFSET, m.group(2));
        put(out, BackupManifest.POSITION_GTID_SET, m.group(3));
      }
    }
    return out;
  }

  private static void put(Map<String, String> out, String key, String value) {
    if (value != null && !value.isEmpty()) {
      out.put(key, value);
    }
  }

  private static Map<String, String> keyValues(String text) {
    Map<String, String> values = new HashMap<>();
    Matcher m = KEY_VALUE.matcher(text);
    while (m.find()) {
      values.putIfAbsent(m.group(1), m.group(2));
    }
    return values;
  }

  private static long lsn(Map<String, String> values, String key, Path file) throws IOException {
    String value = values.get(key);
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IOException(file + " has no valid " + key + " (" + value + ")", e);
    }
  }
}
