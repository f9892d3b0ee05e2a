package io.coffer.plugin.mysql.backup;

import io.coffer.plugin.kit.sql.AdminSession;
import io.coffer.plugin.kit.sql.Sql;
import io.coffer.plugin.mysql.server.ServerSettings;
import io.coffer.spi.backup.BackupManifest;
import io.coffer.spi.backup.LogArchiving;
import io.coffer.spi.backup.LogFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Continuous binary log archiving: every binary log file the server has closed is archived once (<a
 * href="https://mariadb.com/kb/en/binary-log/">Binary Log</a>); the current one never is. The
 * server keeps its files (replicas read them, and it expires them itself after 7 days); what has
 * been archived is remembered in {@value #MARKER} in the run directory, as the name of the newest
 * archived file. A physical restore starts a new sequence of binlog files, so it removes the marker
 * ({@link #forgetArchived}).
 *
 * <p>MariaDB closes a file only when it reaches {@code max_binlog_size} or at a restart or a {@code
 * FLUSH BINARY LOGS}; so that a commit never waits longer than {@code interval} to be archived,
 * {@link #ready()} flushes the logs when the current file has grown and was opened longer ago than
 * that.
 */
public final class BinlogArchiving implements LogArchiving {
  static final String MARKER = "binlog-archived";
  private static final Pattern NAME = Pattern.compile("(.+)\\.(\\d{6,})");

  private final ServerSettings settings;
  private final AdminSession admin;
  private final Duration interval;
  private long currentOpenedAt = System.nanoTime();
  private String current = "";
  private long currentSizeAtOpen = -1;

  /**
   * @param interval the longest a commit may stay in the current binlog file before it is closed
   */
  public BinlogArchiving(ServerSettings settings, AdminSession admin, Duration interval) {
    this.settings = settings;
    this.admin = admin;
    this.interval = interval;
  }

  private record Binlog(String name, long size) {}

  @Override
  public synchronized List<LogFile> ready() throws IOException {
    List<Binlog> logs = binlogs();
    if (logs.isEmpty()) {
      return List.of();
    }
    Binlog last = logs.get(logs.size() - 1);
    if (!last.name().equals(current)) {
      current = last.name();
      currentOpenedAt = System.nanoTime();
      currentSizeAtOpen = last.size();
    } else if (last.size() > currentSizeAtOpen
        && System.nanoTime() - currentOpenedAt > interval.toNanos()) {
      flush(); // archived at the next round
    }
    OptionalLong archived = lastArchived();
    return logs.subList(0, logs.size() - 1).stream()
        .filter(b -> archived.isEmpty() || index(b.name()).orElse(-1) > archived.getAsLong())
        .map(b -> new LogFile(b.name(), settings.dataDir().resolve(b.name())))
        .toList();
  }

  @Override
  public synchronized void archived(LogFile file) throws IOException {
    Path marker = settings.runDir().resolve(MARKER);
    Path temp = settings.runDir().resolve(MARKER + ".tmp");
    Files.writeString(temp, file.name() + "\n", StandardCharsets.US_ASCII);
    Files.move(temp, marker, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The binlog sequence starts anew (a physical restore): nothing of it is archived yet. */
  static void forgetArchived(ServerSettings settings) throws IOException {
    Files.deleteIfExists(settings.runDir().resolve(MARKER));
  }

  @Override
  public String switchLog() {
    return admin.execute(
        "flush the binary logs",
        false,
        c -> {
          String open =
              Sql.query(c, "SHOW MASTER STATUS", r -> r.getString("File")).stream()
                  .findFirst()
                  .orElseThrow(() -> new SQLException("the binary log is off"));
          Sql.update(c, "FLUSH BINARY LOGS");
          return open;
        });
  }

  /** Files from the one the backup's binlog position is in on. */
  @Override
  public boolean neededAfter(BackupManifest base, String name) {
    String start = base.positions().get(BackupManifest.POSITION_BINLOG_FILE);
    OptionalLong n = index(name);
    if (n.isEmpty()) {
      return false;
    }
    if (start == null || index(start).isEmpty()) {
      return true;
    }
    Matcher a = NAME.matcher(name);
    Matcher b = NAME.matcher(start);
    return a.matches()
        && b.matches()
        && a.group(1).equals(b.group(1))
        && n.getAsLong() >= index(start).getAsLong();
  }

  @Override
  public Duration maxDelay() {
    return interval;
  }

  private List<Binlog> binlogs() throws IOException {
    try {
      return admin.call(
          c -> Sql.query(c, "SHOW BINARY LOGS", r -> new Binlog(r.getString(1), r.getLong(2))));
    } catch (SQLException e) {
      throw new IOException("cannot list the binary logs: " + e.getMessage(), e);
    }
  }

  private void flush() throws IOException {
    try {
      admin.call(
          c -> {
            Sql.update(c, "FLUSH BINARY LOGS");
            return null;
          });
    } catch (SQLException e) {
      throw new IOException("cannot flush the binary logs: " + e.getMessage(), e);
    }
  }

  private OptionalLong lastArchived() throws IOException {
    Path marker = settings.runDir().resolve(MARKER);
    if (!Files.exists(marker)) {
      return OptionalLong.empty();
    }
    return index(Files.readString(marker, StandardCharsets.US_ASCII).strip());
  }

  static OptionalLong index(String name) {
    Matcher m = NAME.matcher(name);
    return m.matches() ? OptionalLong.of(Long.parseLong(m.group(2))) : OptionalLong.empty();
  }
}
