package io.coffer.control.replication;

import io.coffer.durability.GroupCommitter;
import io.coffer.durability.SqliteFile;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Replication groups as the control set them up ({@code topology.db}): which instance replicates
 * from which (and whether synchronously), each group's term and automatic-failover settings (keyed
 * by its primary, moved along at each promotion), and the former primaries a failover deposed,
 * which stay fenced until rejoined. Written by the replication workflows' steps; read from an
 * in-memory snapshot reloaded after every write, since every heartbeat consults it.
 */
public final class Topology implements AutoCloseable {
  private static final int FORMAT = 2;
  private final GroupCommitter db;
  private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of(), Map.of(), Map.of());

  /** A replica: whom it follows, and whether its source waits for it (semi-sync / synchronous). */
  public record Replica(String source, boolean synchronous) {}

  /** A group's term and settings, by its primary. */
  public record Group(String primary, long term, HaSettings settings) {}

  /** A former primary a failover replaced, in the term that replaced it. */
  public record Deposed(String primary, long term, Instant at) {}

  private record Snapshot(
      Map<String, Replica> replicas,
      Map<String, Group> groups,
      Map<String, Deposed> deposed,
      Map<String, List<String>> bySource) {}

  private Topology(GroupCommitter db) {
    this.db = db;
  }

  public static Topology open(Path dir) throws IOException {
    Connection c =
        SqliteFile.open(
            dir.resolve("topology.db"),
            FORMAT,
            List.of(
                """
        CREATE TABLE IF NOT EXISTS replicas (
          replica_id TEXT PRIMARY KEY,
          source_id  TEXT NOT NULL,
          semi_sync  INTEGER NOT NULL DEFAULT 0
        )""",
                "CREATE INDEX IF NOT EXISTS replicas_source ON replicas (source_id)",
                GROUPS,
                DEPOSED),
            Map.of(
                2,
                List.of(
                    "ALTER TABLE replicas ADD COLUMN semi_sync INTEGER NOT NULL DEFAULT 0",
                    GROUPS,
                    DEPOSED,
                    // the groups of a format 1 file: every source, with the default settings, in
                    // term 1
                    "INSERT OR IGNORE INTO groups SELECT DISTINCT source_id, 1, 1, 6000, 10000, 4000 FROM replicas")));
    try {
      Topology t = new Topology(new GroupCommitter(c, "coffer-topology"));
      t.reload();
      return t;
    } catch (SQLException e) {
      throw new IOException("cannot open the topology: " + e.getMessage(), e);
    }
  }

  private static final String GROUPS =
      """
      CREATE TABLE IF NOT EXISTS groups (
        primary_id   TEXT PRIMARY KEY,
        term         INTEGER NOT NULL,
        enabled      INTEGER NOT NULL,
        window_ms    INTEGER NOT NULL,
        max_lag_ms   INTEGER NOT NULL,
        lease_ms     INTEGER NOT NULL
      )""";
  private static final String DEPOSED =
      """
      CREATE TABLE IF NOT EXISTS deposed (
        instance_id TEXT PRIMARY KEY,
        primary_id  TEXT NOT NULL,
        term        INTEGER NOT NULL,
        at          INTEGER NOT NULL
      )""";

  // ---- writes ----

  /**
   * {@code replica} follows {@code source}, {@code synchronously} or not; {@code source} leads a
   * group from now on.
   */
  public void setSource(String replica, String source, boolean synchronously) {
    change(
        c -> {
          update(
              c,
              "INSERT INTO replicas (replica_id, source_id, semi_sync) VALUES (?, ?, ?) ON CONFLICT (replica_id)"
                  + " DO UPDATE SET source_id = excluded.source_id, semi_sync = excluded.semi_sync",
              replica,
              source,
              synchronously ? 1 : 0);
          ensureGroup(c, source);
          update(c, "DELETE FROM groups WHERE primary_id = ?", replica);
          update(c, "DELETE FROM deposed WHERE instance_id = ?", replica);
        });
  }

  /** {@code replica} follows {@code source} now, keeping whether it replicates synchronously. */
  public void setSource(String replica, String source) {
    setSource(replica, source, synchronous(replica));
  }

  /** {@code instance} no longer replicates (promoted, or ejected). */
  public void clearSource(String instance) {
    change(c -> update(c, "DELETE FROM replicas WHERE replica_id = ?", instance));
  }

  /**
   * Starts a new term for the group of {@code oldPrimary}, now led by {@code newPrimary} (a
   * promotion: switchover or failover): the group keeps its settings, its term grows by one.
   *
   * @return the new term
   */
  public long startTerm(String oldPrimary, String newPrimary) {
    return write(
        c -> {
          ensureGroup(c, oldPrimary);
          long term;
          try (PreparedStatement ps =
              c.prepareStatement("SELECT term FROM groups WHERE primary_id = ?")) {
            ps.setString(1, oldPrimary);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              term = rs.getLong(1) + 1;
            }
          }
          update(c, "DELETE FROM groups WHERE primary_id = ?", newPrimary);
          update(
              c,
              "UPDATE groups SET primary_id = ?, term = ? WHERE primary_id = ?",
              newPrimary,
              term,
              oldPrimary);
          return term;
        });
  }

  /**
   * After a failover: {@code instance}, the group's primary before {@code term}, stays fenced until
   * rejoined.
   */
  public void depose(String instance, String newPrimary, long term, Instant at) {
    change(
        c -> {
          update(c, "DELETE FROM replicas WHERE replica_id = ?", instance);
          update(
              c,
              "INSERT OR REPLACE INTO deposed (instance_id, primary_id, term, at) VALUES (?, ?, ?, ?)",
              instance,
              newPrimary,
              term,
              at.toEpochMilli());
        });
  }

  public void setSettings(String primary, HaSettings s) {
    change(
        c -> {
          ensureGroup(c, primary);
          update(
              c,
              "UPDATE groups SET enabled = ?, window_ms = ?, max_lag_ms = ?, lease_ms = ? WHERE primary_id = ?",
              s.enabled() ? 1 : 0,
              s.detectionWindow().toMillis(),
              s.maxLag().toMillis(),
              s.lease().toMillis(),
              primary);
        });
  }

  // ---- reads (from the snapshot) ----

  public Optional<String> sourceOf(String replica) {
    return Optional.ofNullable(snapshot.replicas().get(replica)).map(Replica::source);
  }

  public boolean synchronous(String replica) {
    Replica r = snapshot.replicas().get(replica);
    return r != null && r.synchronous();
  }

  public List<String> replicasOf(String source) {
    return snapshot.bySource().getOrDefault(source, List.of());
  }

  /** The group {@code primary} leads, when it has one (it has or had replicas). */
  public Optional<Group> group(String primary) {
    return Optional.ofNullable(snapshot.groups().get(primary));
  }

  /** Every group, by primary. */
  public Map<String, Group> groups() {
    return snapshot.groups();
  }

  public Optional<Deposed> deposed(String instance) {
    return Optional.ofNullable(snapshot.deposed().get(instance));
  }

  public Map<String, Deposed> deposed() {
    return snapshot.deposed();
  }

  /**
   * The term of the group {@code instance} belongs to (as its primary, a replica or deposed); 0 for
   * none.
   */
  public long termOf(String instance) {
    Snapshot s = snapshot;
    Group g = s.groups().get(instance);
    if (g != null) {
      return g.term();
    }
    Replica r = s.replicas().get(instance);
    if (r != null && s.groups().containsKey(r.source())) {
      return s.groups().get(r.source()).term();
    }
    Deposed d = s.deposed().get(instance);
    return d == null ? 0 : d.term();
  }

  // ---- helpers ----

  private interface Writes<T> {
    T run(Connection c) throws SQLException;
  }

  private interface VoidWrites {
    void run(Connection c) throws SQLException;
  }

  private void change(VoidWrites work) {
    this.<Void>write(
        c -> {
          work.run(c);
          return null;
        });
  }

  private <T> T write(Writes<T> work) {
    try {
      T out = db.execute(work::run);
      reload();
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException("topology: " + e.getMessage(), e);
    }
  }

  private static void ensureGroup(Connection c, String primary) throws SQLException {
    HaSettings d = HaSettings.DEFAULTS;
    update(
        c,
        "INSERT OR IGNORE INTO groups (primary_id, term, enabled, window_ms, max_lag_ms, lease_ms)"
            + " VALUES (?, 1, ?, ?, ?, ?)",
        primary,
        d.enabled() ? 1 : 0,
        d.detectionWindow().toMillis(),
        d.maxLag().toMillis(),
        d.lease().toMillis());
  }

  private static int update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      return ps.executeUpdate();
    }
  }

  private synchronized void reload() throws SQLException {
    snapshot =
        db.execute(
            c -> {
              Map<String, Replica> replicas = new HashMap<>();
              Map<String, List<String>> bySource = new HashMap<>();
              try (Statement s = c.createStatement();
                  ResultSet rs =
                      s.executeQuery(
                          "SELECT replica_id, source_id, semi_sync FROM replicas ORDER BY replica_id")) {
                while (rs.next()) {
                  replicas.put(rs.getString(1), new Replica(rs.getString(2), rs.getInt(3) != 0));
                  bySource
                      .computeIfAbsent(rs.getString(2), k -> new ArrayList<>())
                      .add(rs.getString(1));
                }
              }
              Map<String, Group> groups = new HashMap<>();
              try (Statement s = c.createStatement();
                  ResultSet rs =
                      s.executeQuery(
                          "SELECT primary_id, term, enabled, window_ms, max_lag_ms, lease_ms FROM groups")) {
                while (rs.next()) {
                  groups.put(
                      rs.getString(1),
                      new Group(
                          rs.getString(1),
                          rs.getLong(2),
                          new HaSettings(
                              rs.getInt(3) != 0,
                              Duration.ofMillis(rs.getLong(4)),
                              Duration.ofMillis(rs.getLong(5)),
                              Duration.ofMillis(rs.getLong(6)))));
                }
              }
              Map<String, Deposed> deposed = new HashMap<>();
              try (Statement s = c.createStatement();
                  ResultSet rs =
                      s.executeQuery("SELECT instance_id, primary_id, term, at FROM deposed")) {
                while (rs.next()) {
                  deposed.put(
                      rs.getString(1),
                      new Deposed(
                          rs.getString(2), rs.getLong(3), Instant.ofEpochMilli(rs.getLong(4))));
                }
              }
              Map<String, List<String>> frozen = new HashMap<>();
              bySource.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
              return new Snapshot(
                  Map.copyOf(replicas),
                  Map.copyOf(groups),
                  Map.copyOf(deposed),
                  Map.copyOf(frozen));
            });
  }

  @Override
  public void close() {
    db.close();
  }
}
