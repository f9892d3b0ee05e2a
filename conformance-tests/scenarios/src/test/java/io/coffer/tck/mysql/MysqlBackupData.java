package io.coffer.tck.mysql;

import io.coffer.tck.BackupData;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Loads and fingerprints data on a real MariaDB as its superuser over TCP: {@code CHECKSUM TABLE}
 * of every table outside the system schemas (<a
 * href="https://mariadb.com/kb/en/checksum-table/">CHECKSUM TABLE</a>).
 */
public final class MysqlBackupData implements BackupData {
  private static final List<String> SYSTEM =
      List.of("mysql", "information_schema", "performance_schema", "sys");
  private static final int ROW_BYTES = 1024;
  private static final int ROWS_PER_INSERT = 200;
  private final Connection c;
  private final SecureRandom random = new SecureRandom();

  public MysqlBackupData(int port, String user, String password) {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("connectTimeout", "10000");
    try {
      c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/", p);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot log in to MariaDB on port " + port + " as " + user, e);
    }
  }

  /**
   * Four InnoDB tables of random (incompressible) 1 KiB rows, plus a MyISAM one, a view and a
   * trigger.
   */
  @Override
  public void load(String database, long bytes) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE IF NOT EXISTS `" + database + "`");
      for (int t = 0; t < 4; t++) {
        s.execute(
            "CREATE TABLE IF NOT EXISTS `"
                + database
                + "`.t"
                + t
                + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, label VARCHAR(64) NOT NULL, payload VARBINARY(1024) NOT NULL)"
                + " ENGINE=InnoDB");
      }
      s.execute(
          "CREATE TABLE IF NOT EXISTS `"
              + database
              + "`.notes (id INT AUTO_INCREMENT PRIMARY KEY, note TEXT)"
              + " ENGINE=MyISAM");
      s.execute(
          "CREATE OR REPLACE VIEW `"
              + database
              + "`.t0_labels AS SELECT id, label FROM `"
              + database
              + "`.t0");
    }
    long rows = Math.max(4, bytes / ROW_BYTES);
    StringBuilder sql = new StringBuilder();
    for (int t = 0; t < 4; t++) {
      long tableRows = rows / 4;
      for (long done = 0; done < tableRows; done += ROWS_PER_INSERT) {
        int n = (int) Math.min(ROWS_PER_INSERT, tableRows - done);
        sql.setLength(0);
        sql.append("INSERT INTO `")
            .append(database)
            .append("`.t")
            .append(t)
            .append(" (label, payload) VALUES ");
        for (int i = 0; i < n; i++) {
          sql.append(i == 0 ? "(?, ?)" : ", (?, ?)");
        }
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
          for (int i = 0; i < n; i++) {
            byte[] payload = new byte[ROW_BYTES];
            random.nextBytes(payload);
            ps.setString(2 * i + 1, "row-" + (done + i));
            ps.setBytes(2 * i + 2, payload);
          }
          ps.executeUpdate();
        }
      }
    }
    write(database, "loaded " + bytes + " bytes");
  }

  @Override
  public void write(String database, String marker) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("INSERT INTO `" + database + "`.notes (note) VALUES (?)")) {
      ps.setString(1, marker);
      ps.executeUpdate();
    }
    try (Statement s = c.createStatement()) {
      s.execute("UPDATE `" + database + "`.t0 SET label = CONCAT(label, '+') WHERE id % 97 = 0");
    }
  }

  @Override
  public Map<String, String> fingerprint() throws SQLException {
    List<String> tables = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT table_schema, table_name FROM information_schema.tables"
                    + " WHERE table_type = 'BASE TABLE' ORDER BY 1, 2")) {
      while (rs.next()) {
        if (!SYSTEM.contains(rs.getString(1))) {
          tables.add("`" + rs.getString(1) + "`.`" + rs.getString(2) + "`");
        }
      }
    }
    Map<String, String> out = new TreeMap<>();
    try (Statement s = c.createStatement()) {
      for (String table : tables) {
        try (ResultSet rs = s.executeQuery("CHECKSUM TABLE " + table + " EXTENDED")) {
          rs.next();
          out.put(table, rs.getString(2));
        }
      }
    }
    return out;
  }

  @Override
  public void close() throws SQLException {
    c.close();
  }
}
