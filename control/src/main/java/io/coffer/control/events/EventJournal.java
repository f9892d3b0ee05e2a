package io.coffer.control.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Timestamp;
import io.coffer.durability.GroupCommitter;
import io.coffer.durability.SqliteFile;
import io.coffer.proto.v1.Event;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The events as journaled in {@code events.db} (SQLite, mode 0600, synchronous=FULL): a sequence
 * that SQLite never reuses ({@code AUTOINCREMENT}, so a pruned or rolled-back number is never
 * handed out again), a random event id, kind, instance, time, message and details (JSON).
 */
public final class EventJournal implements AutoCloseable {
  private static final int FORMAT = 1;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private final GroupCommitter db;

  private EventJournal(GroupCommitter db) {
    this.db = db;
  }

  public static EventJournal open(Path dir) throws IOException {
    Connection c =
        SqliteFile.open(
            dir.resolve("events.db"),
            FORMAT,
            List.of(
                """
        CREATE TABLE IF NOT EXISTS events (
          sequence    INTEGER PRIMARY KEY AUTOINCREMENT,
          event_id    TEXT NOT NULL UNIQUE,
          kind        TEXT NOT NULL,
          instance_id TEXT NOT NULL,
          at          INTEGER NOT NULL,
          message     TEXT NOT NULL,
          details     TEXT NOT NULL
        )""",
                """
        CREATE TABLE IF NOT EXISTS webhooks (
          webhook_id   TEXT PRIMARY KEY,
          url          TEXT NOT NULL,
          secret       BLOB NOT NULL,
          kinds        TEXT NOT NULL,
          created_at   INTEGER NOT NULL,
          delivered    INTEGER NOT NULL,
          failures     INTEGER NOT NULL DEFAULT 0,
          last_error   TEXT NOT NULL DEFAULT '',
          last_attempt INTEGER NOT NULL DEFAULT 0,
          next_attempt INTEGER NOT NULL DEFAULT 0
        )"""));
    try {
      return new EventJournal(new GroupCommitter(c, "coffer-events"));
    } catch (SQLException e) {
      throw new IOException("cannot open the event journal: " + e.getMessage(), e);
    }
  }

  /** Journals an event; durable when it returns. */
  public Event append(
      EventKind kind, String instanceId, String message, Map<String, String> details, Instant at) {
    byte[] id = new byte[10];
    RANDOM.nextBytes(id);
    String eventId = "ev-" + HexFormat.of().formatHex(id);
    return run(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO events (event_id, kind, instance_id, at, message, details) VALUES (?, ?, ?, ?, ?, ?)",
                  Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, eventId);
            ps.setString(2, kind.wireName());
            ps.setString(3, instanceId);
            ps.setLong(4, at.toEpochMilli());
            ps.setString(5, message);
            ps.setString(6, json(details));
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
              keys.next();
              return event(
                  keys.getLong(1),
                  eventId,
                  kind.wireName(),
                  instanceId,
                  at.toEpochMilli(),
                  message,
                  details);
            }
          }
        });
  }

  /** Up to {@code limit} events after {@code sequence}, in order. */
  public List<Event> after(long sequence, int limit) {
    return run(
        c -> {
          List<Event> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT sequence, event_id, kind, instance_id, at, message, details"
                      + " FROM events WHERE sequence > ? ORDER BY sequence LIMIT ?")) {
            ps.setLong(1, sequence);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    event(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getLong(5),
                        rs.getString(6),
                        map(rs.getString(7))));
              }
            }
          }
          return out;
        });
  }

  /** How many events after {@code sequence} are of {@code kinds} (wire names; empty: any). */
  public long count(long sequence, List<String> kinds) {
    return run(
        c -> {
          String in =
              kinds.isEmpty()
                  ? ""
                  : " AND kind IN ("
                      + String.join(",", kinds.stream().map(k -> "?").toList())
                      + ")";
          try (PreparedStatement ps =
              c.prepareStatement("SELECT COUNT(*) FROM events WHERE sequence > ?" + in)) {
            ps.setLong(1, sequence);
            for (int i = 0; i < kinds.size(); i++) {
              ps.setString(i + 2, kinds.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getLong(1);
            }
          }
        });
  }

  /** The newest sequence handed out, 0 before the first event. */
  public long latest() {
    return run(
        c -> {
          try (Statement s = c.createStatement();
              ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(sequence), 0) FROM events")) {
            rs.next();
            return rs.getLong(1);
          }
        });
  }

  /** Forgets events older than {@code cutoff}; returns how many. */
  public int prune(Instant cutoff) {
    return run(
        c -> {
          try (PreparedStatement ps = c.prepareStatement("DELETE FROM events WHERE at < ?")) {
            ps.setLong(1, cutoff.toEpochMilli());
            return ps.executeUpdate();
          }
        });
  }

  /**
   * Runs {@code work} in the journal's next group commit (for the webhook store, which shares the
   * file).
   */
  <T> T run(GroupCommitter.Work<T> work) {
    try {
      return db.execute(work);
    } catch (SQLException e) {
      throw new IllegalStateException("event journal: " + e.getMessage(), e);
    }
  }

  private static Event event(
      long sequence,
      String id,
      String kind,
      String instanceId,
      long at,
      String message,
      Map<String, String> details) {
    return Event.newBuilder()
        .setSequence(sequence)
        .setEventId(id)
        .setKind(kind)
        .setInstanceId(instanceId)
        .setAt(
            Timestamp.newBuilder()
                .setSeconds(Math.floorDiv(at, 1000))
                .setNanos((int) Math.floorMod(at, 1000) * 1_000_000))
        .setMessage(message)
        .putAllDetails(details)
        .build();
  }

  private static String json(Map<String, String> details) throws SQLException {
    try {
      return JSON.writeValueAsString(new TreeMap<>(details));
    } catch (JsonProcessingException e) {
      throw new SQLException("cannot encode event details", e);
    }
  }

  private static Map<String, String> map(String json) throws SQLException {
    try {
      return JSON.readValue(json, new TypeReference<Map<String, String>>() {});
    } catch (JsonProcessingException e) {
      throw new SQLException("corrupt event details", e);
    }
  }

  @Override
  public void close() {
    db.close();
  }
}
