package io.coffer.bench;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.SplittableRandom;

/**
 * The benchmark's data, loaded over JDBC as the superuser the API enabled. Two InnoDB tables of 1
 * KiB rows, filled in equal parts: {@code bench.random_rows} with random bytes (incompressible,
 * like {@code MysqlBackupData} in the tests: encrypted or already-compressed columns) and {@code
 * bench.text_rows} with text-like rows (words of a fixed vocabulary, skewed towards frequent ones,
 * numbers and punctuation; zstd compresses it about 3x, roughly like real text columns). Loading is
 * cumulative: {@link #load} appends. The seeds are fixed, so runs load the same data.
 */
final class BenchData implements AutoCloseable {
  static final String DESCRIPTION =
      "half random bytes (incompressible), half text-like rows; InnoDB, 1 KiB rows";
  private static final int ROW_BYTES = 1024;
  private static final int ROWS_PER_INSERT = 500;
  private static final String[] WORDS = vocabulary(4096, new SplittableRandom(7));

  private final Connection c;
  private final SplittableRandom random = new SplittableRandom(42);
  private long loadedBytes;
  private long nextId;

  BenchData(int port, String user, String password) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("connectTimeout", "10000");
    c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/", p);
    try (Statement s = c.createStatement()) {
      s.execute(
          "SET SESSION sql_log_bin = 0"); // the binary log is not part of a physical backup: skip
      // writing it
      s.execute("CREATE DATABASE IF NOT EXISTS bench");
      s.execute(
          "CREATE TABLE IF NOT EXISTS bench.random_rows (id BIGINT PRIMARY KEY, label VARCHAR(64) NOT NULL,"
              + " payload VARBINARY(1024) NOT NULL) ENGINE=InnoDB");
      s.execute(
          "CREATE TABLE IF NOT EXISTS bench.text_rows (id BIGINT PRIMARY KEY, label VARCHAR(64) NOT NULL,"
              + " body VARCHAR(1024) CHARACTER SET ascii NOT NULL) ENGINE=InnoDB");
    }
  }

  /** Payload bytes loaded so far (row contents; InnoDB's pages, indexes and logs come on top). */
  long loadedBytes() {
    return loadedBytes;
  }

  /** Appends about {@code bytes} bytes of rows, half to each table; logs progress. */
  void load(long bytes) throws SQLException {
    long rows = Math.max(2, bytes / ROW_BYTES);
    long start = System.nanoTime();
    long reportEvery = Math.max(ROWS_PER_INSERT, rows / 8);
    long nextReport = reportEvery;
    String random = insert("random_rows", "payload", ROWS_PER_INSERT);
    String text = insert("text_rows", "body", ROWS_PER_INSERT);
    try (PreparedStatement randomBatch = c.prepareStatement(random);
        PreparedStatement textBatch = c.prepareStatement(text)) {
      for (long done = 0; done < rows; ) {
        int n = (int) Math.min(ROWS_PER_INSERT, (rows - done + 1) / 2);
        if (n == 0) {
          break;
        }
        insertRows(n, randomBatch, "random_rows", "payload", true);
        insertRows(n, textBatch, "text_rows", "body", false);
        done += 2L * n;
        loadedBytes += 2L * n * ROW_BYTES;
        if (done >= nextReport) {
          double seconds = (System.nanoTime() - start) / 1e9;
          Progress.log(
              String.format(
                  "data: %d of %d MiB (%.1f MiB/s)",
                  done * ROW_BYTES >> 20,
                  rows * ROW_BYTES >> 20,
                  done * ROW_BYTES / 1048576.0 / seconds));
          nextReport += reportEvery;
        }
      }
    }
  }

  private void insertRows(
      int n, PreparedStatement full, String table, String column, boolean binary)
      throws SQLException {
    PreparedStatement ps =
        n == ROWS_PER_INSERT ? full : c.prepareStatement(insert(table, column, n));
    try {
      for (int i = 0; i < n; i++) {
        long id = ++nextId;
        ps.setLong(3 * i + 1, id);
        ps.setString(3 * i + 2, (binary ? "bin-" : "text-") + id);
        if (binary) {
          byte[] payload = new byte[ROW_BYTES];
          random.nextBytes(payload);
          ps.setBytes(3 * i + 3, payload);
        } else {
          ps.setString(3 * i + 3, text(ROW_BYTES));
        }
      }
      ps.executeUpdate();
    } finally {
      if (ps != full) {
        ps.close();
      }
    }
  }

  private static String insert(String table, String column, int rows) {
    StringBuilder sql =
        new StringBuilder("INSERT INTO bench.")
            .append(table)
            .append(" (id, label, ")
            .append(column)
            .append(") VALUES ");
    for (int i = 0; i < rows; i++) {
      sql.append(i == 0 ? "(?, ?, ?)" : ", (?, ?, ?)");
    }
    return sql.toString();
  }

  /** Sentences of vocabulary words (frequent ones far more often), numbers and punctuation. */
  private String text(int length) {
    StringBuilder sb = new StringBuilder(length + 16);
    int sentence = 0;
    while (sb.length() < length) {
      if (random.nextInt(12) == 0) {
        sb.append(random.nextInt(100_000));
      } else {
        double r = random.nextDouble();
        String w = WORDS[(int) (WORDS.length * r * r * r)];
        sb.append(sentence == 0 ? Character.toUpperCase(w.charAt(0)) + w.substring(1) : w);
      }
      if (++sentence > 6 + random.nextInt(10)) {
        sb.append(random.nextInt(4) == 0 ? ", " : ". ");
        sentence = 0;
      } else {
        sb.append(' ');
      }
    }
    sb.setLength(length);
    return sb.toString();
  }

  private static String[] vocabulary(int size, SplittableRandom r) {
    String[] words = new String[size];
    byte[] letters = "etaoinshrdlcumwfgypbvkjxqz".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < size; i++) {
      byte[] w = new byte[2 + r.nextInt(9)];
      for (int j = 0; j < w.length; j++) {
        double x = r.nextDouble();
        w[j] = letters[(int) (letters.length * x * x)]; // frequent letters more often
      }
      words[i] = new String(w, StandardCharsets.US_ASCII);
    }
    return words;
  }

  /**
   * Waits until InnoDB has written its dirty pages (at most {@code timeoutSeconds}), so that no
   * background flushing competes with the measured backups; meanwhile the flushing target is
   * lowered to 0 and the flushing rate raised to innodb_io_capacity_max, then both are restored.
   */
  void settle(int timeoutSeconds) throws SQLException, InterruptedException {
    String saved;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT @@GLOBAL.innodb_max_dirty_pages_pct")) {
      rs.next();
      saved = rs.getString(1);
    }
    String savedCapacity;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT @@GLOBAL.innodb_io_capacity")) {
      rs.next();
      savedCapacity = rs.getString(1);
    }
    try (Statement s = c.createStatement()) {
      s.execute("SET GLOBAL innodb_max_dirty_pages_pct = 0");
      s.execute("SET GLOBAL innodb_io_capacity = @@GLOBAL.innodb_io_capacity_max");
    }
    long dirty = -1;
    try {
      long end = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
      while (System.nanoTime() < end) {
        dirty = dirtyPages();
        if (dirty == 0) {
          break;
        }
        Thread.sleep(500);
      }
    } finally {
      try (Statement s = c.createStatement()) {
        s.execute("SET GLOBAL innodb_max_dirty_pages_pct = " + Double.parseDouble(saved));
        s.execute("SET GLOBAL innodb_io_capacity = " + Long.parseLong(savedCapacity));
      }
    }
    Progress.log("data: InnoDB dirty pages now " + dirty);
  }

  private long dirtyPages() throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'")) {
      return rs.next() ? rs.getLong(2) : 0;
    }
  }

  @Override
  public void close() throws SQLException {
    c.close();
  }
}
