package io.coffer.plugin.postgresql.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Tiny JDBC helpers. Queries take every value as a bound parameter; {@link #ddl} runs statements
 * that cannot take parameters (CREATE DATABASE, CREATE ROLE, GRANT ...), which callers build only
 * from validated, quoted names ({@code naming.SqlIdentifiers}).
 */
public final class Sql {

  @FunctionalInterface
  public interface Row<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private Sql() {}

  public static void ddl(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  public static <T> List<T> query(Connection c, String sql, Row<T> row, String... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        List<T> out = new ArrayList<>();
        while (rs.next()) {
          out.add(row.map(rs));
        }
        return out;
      }
    }
  }

  public static boolean exists(Connection c, String sql, String... params) throws SQLException {
    return !query(c, sql, rs -> Boolean.TRUE, params).isEmpty();
  }
}
