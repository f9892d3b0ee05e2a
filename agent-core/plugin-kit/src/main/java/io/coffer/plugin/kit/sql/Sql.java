package io.coffer.plugin.kit.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Tiny JDBC helpers. Queries and updates take every value as a bound parameter; {@link #ddl} runs
 * statements that cannot take parameters (CREATE DATABASE, CREATE ROLE, GRANT ...), which callers
 * build only from validated, quoted names.
 */
public final class Sql {
  private Sql() {}

  /** Maps the current row of a result set. */
  @FunctionalInterface
  public interface Row<T> {
    T map(ResultSet rs) throws SQLException;
  }

  public static void update(Connection c, String sql, String... params) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, params)) {
      ps.executeUpdate();
    }
  }

  public static void ddl(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  public static <T> List<T> query(Connection c, String sql, Row<T> row, String... params)
      throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, params);
        ResultSet rs = ps.executeQuery()) {
      List<T> out = new ArrayList<>();
      while (rs.next()) {
        out.add(row.map(rs));
      }
      return out;
    }
  }

  public static boolean exists(Connection c, String sql, String... params) throws SQLException {
    return !query(c, sql, rs -> Boolean.TRUE, params).isEmpty();
  }

  private static PreparedStatement prepare(Connection c, String sql, String... params)
      throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    try {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      return ps;
    } catch (SQLException e) {
      ps.close();
      throw e;
    }
  }
}
