package io.coffer.e2e.faults;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/** Looks into an agent's job journal (read-only; SQLite WAL allows a concurrent reader). */
record JournalView(Path stateDir) {

  String state(String commandId) throws SQLException {
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:sqlite:file:" + stateDir.resolve("journal.db") + "?mode=ro");
        PreparedStatement ps = c.prepareStatement("SELECT state FROM jobs WHERE command_id = ?")) {
      ps.setString(1, commandId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : "ABSENT";
      }
    }
  }

  /** Waits until the agent has journaled the job's result. */
  void awaitDone(String commandId, Duration timeout) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < end) {
      try {
        last = state(commandId);
        if (last.equals("DONE")) {
          return;
        }
      } catch (SQLException e) {
        last = e.getMessage(); // journal not created yet
      }
      Thread.sleep(20);
    }
    throw new AssertionError(
        "job "
            + commandId
            + " not DONE in the agent journal within "
            + timeout
            + " (last: "
            + last
            + ")");
  }
}
