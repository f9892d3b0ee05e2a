package io.coffer.control.workflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coffer.durability.GroupCommitter;
import io.coffer.durability.SqliteFile;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Workflows as journaled in {@code workflows.db} (SQLite, mode 0600, synchronous=FULL): written
 * before a workflow starts and after every step, so a control that restarts resumes each running
 * workflow at the step it was in.
 */
public final class WorkflowStore implements AutoCloseable {
  private static final int FORMAT = 1;
  private static final ObjectMapper JSON = new ObjectMapper();
  private final GroupCommitter db;

  private WorkflowStore(GroupCommitter db) {
    this.db = db;
  }

  public static WorkflowStore open(Path dir) throws IOException {
    Connection c = SqliteFile.open(dir.resolve("workflows.db"), FORMAT, List.of("""
        CREATE TABLE IF NOT EXISTS workflows (
          workflow_id TEXT PRIMARY KEY,
          kind        TEXT NOT NULL,
          state       TEXT NOT NULL,
          step        INTEGER NOT NULL,
          params      TEXT NOT NULL,
          created_at  INTEGER NOT NULL,
          updated_at  INTEGER NOT NULL,
          error       TEXT NOT NULL
        )"""));
    try {
      return new WorkflowStore(new GroupCommitter(c, "coffer-workflows"));
    } catch (SQLException e) {
      throw new IOException("cannot open the workflow journal: " + e.getMessage(), e);
    }
  }

  /** Stores {@code w} unless a workflow with its id exists; returns the stored one. */
  public Workflow insertIfAbsent(Workflow w) {
    return run(c -> {
      Optional<Workflow> existing = find(c, w.id());
      if (existing.isPresent()) {
        return existing.get();
      }
      write(c, w);
      return w;
    });
  }

  public void update(Workflow w) {
    run(c -> {
      write(c, w);
      return null;
    });
  }

  public Optional<Workflow> get(String id) {
    return run(c -> find(c, id));
  }

  public List<Workflow> running() {
    return run(c -> query(c, "WHERE state = 'RUNNING' ORDER BY created_at", List.of()));
  }

  private static void write(Connection c, Workflow w) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO workflows"
        + " (workflow_id, kind, state, step, params, created_at, updated_at, error) VALUES (?,?,?,?,?,?,?,?)")) {
      ps.setString(1, w.id());
      ps.setString(2, w.kind());
      ps.setString(3, w.state().name());
      ps.setInt(4, w.step());
      try {
        ps.setString(5, JSON.writeValueAsString(w.params()));
      } catch (JsonProcessingException e) {
        throw new SQLException("cannot encode the parameters of workflow " + w.id(), e);
      }
      ps.setLong(6, w.created().toEpochMilli());
      ps.setLong(7, w.updated().toEpochMilli());
      ps.setString(8, w.error());
      ps.executeUpdate();
    }
  }

  private static Optional<Workflow> find(Connection c, String id) throws SQLException {
    return query(c, "WHERE workflow_id = ?", List.of(id)).stream().findFirst();
  }

  private static List<Workflow> query(Connection c, String where, List<String> args) throws SQLException {
    List<Workflow> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT workflow_id, kind, state, step, params, created_at, updated_at, error FROM workflows " + where)) {
      for (int i = 0; i < args.size(); i++) {
        ps.setString(i + 1, args.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Map<String, String> params;
          try {
            params = JSON.readValue(rs.getString(5), new TypeReference<Map<String, String>>() {});
          } catch (JsonProcessingException e) {
            throw new SQLException("corrupt parameters of workflow " + rs.getString(1), e);
          }
          out.add(new Workflow(rs.getString(1), rs.getString(2), Workflow.State.valueOf(rs.getString(3)), rs.getInt(4),
              params, Instant.ofEpochMilli(rs.getLong(6)), Instant.ofEpochMilli(rs.getLong(7)), rs.getString(8)));
        }
      }
    }
    return out;
  }

  private <T> T run(GroupCommitter.Work<T> work) {
    try {
      return db.execute(work);
    } catch (SQLException e) {
      throw new IllegalStateException("workflow journal: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    db.close();
  }
}
