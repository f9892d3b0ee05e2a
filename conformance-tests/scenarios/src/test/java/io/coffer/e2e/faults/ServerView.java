package io.coffer.e2e.faults;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the MariaDB server directly (as root, credentials from enable_root), to check real
 * outcomes.
 */
record ServerView(int port, String user, String password) {

  List<String> databases(String prefix) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c =
            DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/", user, password);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT schema_name FROM information_schema.schemata")) {
      while (rs.next()) {
        if (rs.getString(1).startsWith(prefix)) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }
}
