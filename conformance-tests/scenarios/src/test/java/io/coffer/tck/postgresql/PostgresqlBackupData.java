package io.coffer.tck.postgresql;

import io.coffer.tck.BackupData;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Loads and fingerprints data on a real PostgreSQL as its superuser over TCP. A table's fingerprint
 * is its row count and the md5 of the sorted md5s of its rows' text forms, which covers every
 * column of every row whatever the table's keys.
 */
public final class PostgresqlBackupData implements BackupData {
  private static final int ROW_BYTES = 1024;
  private static final int ROWS_PER_INSERT = 200;
  private final int port;
  private final String user;
  private final String password;
  private final Connection postgres;
  private final Map<String, Connection> byDatabase = new HashMap<>();
  private final SecureRandom random = new SecureRandom();

  public PostgresqlBackupData(int port, String user, String password) {
    this.port = port;
    this.user = user;
    this.password = password;
    try {
      postgres = PostgresqlProvider.connect(port, user, password, "postgres");
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot log in to PostgreSQL on port " + port + " as " + user, e);
    }
  }

  private Connection in(String database) throws Exception {
    Connection c = byDatabase.get(database);
    if (c == null) {
      c = PostgresqlProvider.connect(port, user, password, database);
      byDatabase.put(database, c);
    }
    return c;
  }

  /**
   * Four tables of random (incompressible) 1 KiB rows, plus a notes table, a view and a sequence.
   */
  @Override
  public void load(String database, long bytes) throws Exception {
    boolean exists;
    try (PreparedStatement ps =
        postgres.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      ps.setString(1, database);
      try (ResultSet rs = ps.executeQuery()) {
        exists = rs.next();
      }
    }
    if (!exists) {
      try (Statement s = postgres.createStatement()) {
        s.execute("CREATE DATABASE \"" + database + "\"");
      }
    }
    Connection c = in(database);
    try (Statement s = c.createStatement()) {
      for (int t = 0; t < 4; t++) {
        s.execute(
            "CREATE TABLE IF NOT EXISTS t"
                + t
                + " (id BIGSERIAL PRIMARY KEY, label VARCHAR(64) NOT NULL, payload BYTEA NOT NULL)");
      }
      s.execute("CREATE TABLE IF NOT EXISTS notes (id SERIAL PRIMARY KEY, note TEXT)");
      s.execute("CREATE OR REPLACE VIEW t0_labels AS SELECT id, label FROM t0");
    }
    long rows = Math.max(4, bytes / ROW_BYTES);
    StringBuilder sql = new StringBuilder();
    c.setAutoCommit(false);
    for (int t = 0; t < 4; t++) {
      long tableRows = rows / 4;
      for (long done = 0; done < tableRows; done += ROWS_PER_INSERT) {
        int n = (int) Math.min(ROWS_PER_INSERT, tableRows - done);
        sql.setLength(0);
        sql.append("INSERT INTO t").append(t).append(" (label, payload) VALUES ");
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
      c.commit();
    }
    c.setAutoCommit(true);
    write(database, "loaded " + bytes + " bytes");
  }

  @Override
  public void write(String database, String marker) throws Exception {
    Connection c = in(database);
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO notes (note) VALUES (?)")) {
      ps.setString(1, marker);
      ps.executeUpdate();
    }
    try (Statement s = c.createStatement()) {
      s.execute("UPDATE t0 SET label = label || '+' WHERE id % 97 = 0");
    }
  }

  @Override
  public Map<String, String> fingerprint() throws Exception {
    List<String> databases = new ArrayList<>();
    try (Statement s = postgres.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT datname FROM pg_database WHERE NOT datistemplate"
                    + " AND datname <> 'postgres' ORDER BY 1")) {
      while (rs.next()) {
        databases.add(rs.getString(1));
      }
    }
    Map<String, String> out = new TreeMap<>();
    for (String database : databases) {
      Connection c = in(database);
      List<String> tables = new ArrayList<>();
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename)"
                      + " FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      try (Statement s = c.createStatement()) {
        for (String table : tables) {
          try (ResultSet rs =
              s.executeQuery(
                  "SELECT count(*) || ':' || coalesce(md5(string_agg(h, '' ORDER BY h)), '')"
                      + " FROM (SELECT md5(t::text) AS h FROM "
                      + table
                      + " t) r")) {
            rs.next();
            out.put(database + "." + table, rs.getString(1));
          }
        }
      }
    }
    return out;
  }

  @Override
  public void close() throws SQLException {
    for (Connection c : byDatabase.values()) {
      c.close();
    }
    postgres.close();
  }
}
