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
import java.util.TreeMap;

/**
 * Workflows as journaled in {@code workflows.db} (SQLite, mode 0600, synchronous=FULL): written
 * before a workflow starts and after every step, so a control that restarts resumes each running
 * workflow at the step it was in. Each row also keeps the request a workflow was started with (its
 * first parameters; never secrets), so that reusing a workflow id for another request is refused
 * (format 2; rows of format 1 have none).
 */
public final class WorkflowStore implements AutoCloseable {
  private static final int FORMAT = 2;
  private static final ObjectMapper JSON = new ObjectMapper();
  private final GroupCommitter db;

  private WorkflowStore(GroupCommitter db) {
    this.db = db;
  }

  public static WorkflowStore open(Path dir) throws IOException {
    Connection c =
        SqliteFile.open(
            dir.resolve("workflows.db"),
            FORMAT,
            List.of(
                """
        CREATE TABLE IF NOT EXISTS workflows (
          workflow_id TEXT PRIMARY KEY,
          kind        TEXT NOT NULL,
          state       TEXT NOT NULL,
          step        INTEGER NOT NULL,
          params      TEXT NOT NULL,
          created_at  INTEGER NOT NULL,
          updated_at  INTEGER NOT NULL,
          error       TEXT NOT NULL,
          request     TEXT
        )"""),
            Map.of(2, List.of("ALTER TABLE workflows ADD COLUMN request TEXT")));
    try {
      return new WorkflowStore(new GroupCommitter(c, "coffer-workflows"));
    } catch (SQLException e) {
      throw new IOException("cannot open the workflow journal: " + e.getMessage(), e);
    }
  }

  /**
   * A journaled workflow and the request it was started with.
   *
   * @param request its first parameters; empty for a workflow a format 1 journal holds
   */
  public record Stored(Workflow workflow, Optional<Map<String, String>> request) {}

  /**
   * Stores {@code w}, started for {@code request}, unless a workflow with its id exists; returns
   * the stored one.
   */
  public Stored insertIfAbsent(Workflow w, Map<String, String> request) {
    return run(
        c -> {
          Optional<Stored> existing = find(c, w.id());
          if (existing.isPresent()) {
            return existing.get();
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO workflows (workflow_id, kind, state, step, params, "
                      + "created_at, updated_at, error, request) VALUES (?,?,?,?,?,?,?,?,?)")) {
            ps.setString(1, w.id());
            ps.setString(2, w.kind());
            ps.setString(3, w.state().name());
            ps.setInt(4, w.step());
            ps.setString(5, json(w));
            ps.setLong(6, w.created().toEpochMilli());
            ps.setLong(7, w.updated().toEpochMilli());
            ps.setString(8, w.error());
            ps.setString(9, json(w.id(), request));
            ps.executeUpdate();
          }
          return new Stored(w, Optional.of(request));
        });
  }

  public void update(Workflow w) {
    run(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE workflows SET state = ?, step = ?, params = ?, updated_at = ?, error = ? WHERE workflow_id = ?")) {
            ps.setString(1, w.state().name());
            ps.setInt(2, w.step());
            ps.setString(3, json(w));
            ps.setLong(4, w.updated().toEpochMilli());
            ps.setString(5, w.error());
            ps.setString(6, w.id());
            if (ps.executeUpdate() != 1) {
              throw new SQLException("no workflow " + w.id());
            }
          }
          return null;
        });
  }

  public Optional<Workflow> get(String id) {
    return find(id).map(Stored::workflow);
  }

  /** The workflow journaled under {@code id} and its request. */
  public Optional<Stored> find(String id) {
    return run(c -> find(c, id));
  }

  public List<Workflow> running() {
    return run(
        c ->
            query(c, "WHERE state = 'RUNNING' ORDER BY created_at", List.of()).stream()
                .map(Stored::workflow)
                .toList());
  }

  private static String json(Workflow w) throws SQLException {
    return json(w.id(), w.params());
  }

  private static String json(String id, Map<String, String> params) throws SQLException {
    try {
      return JSON.writeValueAsString(new TreeMap<>(params));
    } catch (JsonProcessingException e) {
      throw new SQLException("cannot encode the parameters of workflow " + id, e);
    }
  }

  private static Optional<Stored> find(Connection c, String id) throws SQLException {
    return query(c, "WHERE workflow_id = ?", List.of(id)).stream().findFirst();
  }

  private static List<Stored> query(Connection c, String where, List<String> args)
      throws SQLException {
    List<Stored> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT workflow_id, kind, state, step, params, created_at, updated_at, error, request FROM workflows "
                + where)) {
      for (int i = 0; i < args.size(); i++) {
        ps.setString(i + 1, args.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Map<String, String> params = map(rs.getString(1), rs.getString(5));
          String request = rs.getString(9);
          out.add(
              new Stored(
                  new Workflow(
                      rs.getString(1),
                      rs.getString(2),
                      Workflow.State.valueOf(rs.getString(3)),
                      rs.getInt(4),
                      params,
                      Instant.ofEpochMilli(rs.getLong(6)),
                      Instant.ofEpochMilli(rs.getLong(7)),
                      rs.getString(8)),
                  request == null ? Optional.empty() : Optional.of(map(rs.getString(1), request))));
        }
      }
    }
    return out;
  }

  private static Map<String, String> map(String id, String json) throws SQLException {
    try {
      return JSON.readValue(json, new TypeReference<Map<String, String>>() {});
    } catch (JsonProcessingException e) {
      throw new SQLException("corrupt parameters of workflow " + id, e);
    }
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
