package io.coffer.control.replication;

import io.coffer.durability.GroupCommitter;
import io.coffer.durability.SqliteFile;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which instance replicates from which, as the control set it up ({@code topology.db}). Written by
 * the replication workflows' last steps; read to find a replica's source and a source's replicas.
 */
public final class Topology implements AutoCloseable {
  private static final int FORMAT = 1;
  private final GroupCommitter db;

  private Topology(GroupCommitter db) {
    this.db = db;
  }

  public static Topology open(Path dir) throws IOException {
    Connection c = SqliteFile.open(dir.resolve("topology.db"), FORMAT, List.of("""
        CREATE TABLE IF NOT EXISTS replicas (
          replica_id TEXT PRIMARY KEY,
          source_id  TEXT NOT NULL
        )""", "CREATE INDEX IF NOT EXISTS replicas_source ON replicas (source_id)"));
    try {
      return new Topology(new GroupCommitter(c, "coffer-topology"));
    } catch (SQLException e) {
      throw new IOException("cannot open the topology: " + e.getMessage(), e);
    }
  }

  public void setSource(String replica, String source) {
    run(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO replicas (replica_id, source_id) VALUES (?, ?)")) {
        ps.setString(1, replica);
        ps.setString(2, source);
        ps.executeUpdate();
      }
      return null;
    });
  }

  /** {@code instance} no longer replicates (promoted, or ejected). */
  public void clearSource(String instance) {
    run(c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM replicas WHERE replica_id = ?")) {
        ps.setString(1, instance);
        ps.executeUpdate();
      }
      return null;
    });
  }

  public Optional<String> sourceOf(String replica) {
    return run(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT source_id FROM replicas WHERE replica_id = ?")) {
        ps.setString(1, replica);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
        }
      }
    });
  }

  public List<String> replicasOf(String source) {
    return run(c -> {
      List<String> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT replica_id FROM replicas WHERE source_id = ? ORDER BY replica_id")) {
        ps.setString(1, source);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(rs.getString(1));
          }
        }
      }
      return out;
    });
  }

  private <T> T run(GroupCommitter.Work<T> work) {
    try {
      return db.execute(work);
    } catch (SQLException e) {
      throw new IllegalStateException("topology: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    db.close();
  }
}
