package io.coffer.tck.mysql;

import io.coffer.tck.ClusterData;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The cluster suite's client of a Galera cluster: plain JDBC to the member named, one table of
 * keys.
 */
final class GaleraData implements ClusterData {
  private final Map<String, Integer> ports;
  private final String user;
  private final String password;

  GaleraData(Map<String, Integer> ports, String user, String password) {
    this.ports = new HashMap<>(ports);
    this.user = user;
    this.password = password;
  }

  @Override
  public void write(String member, String key, String value) throws SQLException {
    try (Connection c = connect(member);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE IF NOT EXISTS tck_cluster");
      s.execute(
          "CREATE TABLE IF NOT EXISTS tck_cluster.kv (k VARCHAR(100) PRIMARY KEY, v VARCHAR(200))");
      try (PreparedStatement p =
          c.prepareStatement("REPLACE INTO tck_cluster.kv (k, v) VALUES (?, ?)")) {
        p.setString(1, key);
        p.setString(2, value);
        p.executeUpdate();
      }
    }
  }

  @Override
  public String read(String member, String key) throws SQLException {
    try (Connection c = connect(member);
        PreparedStatement p = c.prepareStatement("SELECT v FROM tck_cluster.kv WHERE k = ?")) {
      p.setString(1, key);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    } catch (SQLException e) {
      if (e.getErrorCode() == 1146 || e.getErrorCode() == 1049) { // no such table / database (yet)
        return null;
      }
      throw e;
    }
  }

  @Override
  public void memberAdded(String member, int port) {
    ports.put(member, port);
  }

  private Connection connect(String member) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("connectTimeout", "5000");
    return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + ports.get(member) + "/", p);
  }
}
