package io.coffer.control.cluster;

import io.coffer.durability.GroupCommitter;
import io.coffer.durability.SqliteFile;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The clusters the control formed, and their members ({@code clusters.db}), as the create, grow and
 * shrink workflows left them. A running cluster's own view says who is up now; this record says who
 * belongs, which is what a whole-cluster recovery needs when no node runs: a node that was shut
 * down in an orderly way is missing from the others' last view, and an engine's own contact list
 * (Galera's {@code wsrep_cluster_address}) is only where a node looks for peers when it starts.
 */
public final class ClusterMembership implements AutoCloseable {
  private static final int FORMAT = 1;
  private final GroupCommitter db;
  private volatile Map<String, Cluster> snapshot = Map.of();

  /**
   * @param id the cluster's id (the id of the workflow that formed it)
   * @param engine the datastore engine ("mysql" for Galera, "redis")
   * @param members instance ids, in the order they joined
   */
  public record Cluster(String id, String engine, List<String> members) {}

  private ClusterMembership(GroupCommitter db) {
    this.db = db;
  }

  public static ClusterMembership open(Path dir) throws IOException {
    Connection c =
        SqliteFile.open(
            dir.resolve("clusters.db"),
            FORMAT,
            List.of(
                """
        CREATE TABLE IF NOT EXISTS members (
          instance_id TEXT PRIMARY KEY,
          cluster_id  TEXT NOT NULL,
          engine      TEXT NOT NULL,
          joined      INTEGER NOT NULL
        )"""));
    try {
      ClusterMembership m = new ClusterMembership(new GroupCommitter(c, "coffer-clusters"));
      m.reload();
      return m;
    } catch (SQLException e) {
      throw new IOException("cannot open the cluster membership: " + e.getMessage(), e);
    }
  }

  /**
   * Records {@code members} as the whole of cluster {@code id}; each leaves any cluster it was in.
   */
  public void form(String id, String engine, List<String> members) {
    write(
        c -> {
          update(c, "DELETE FROM members WHERE cluster_id = ?", id);
          long joined = System.currentTimeMillis();
          for (int i = 0; i < members.size(); i++) {
            update(
                c,
                "INSERT INTO members (instance_id, cluster_id, engine, joined) VALUES (?, ?, ?, ?)"
                    + " ON CONFLICT (instance_id) DO UPDATE SET cluster_id = excluded.cluster_id, engine = excluded.engine,"
                    + " joined = excluded.joined",
                members.get(i),
                id,
                engine,
                joined + i);
          }
        });
  }

  /** {@code instance} joined {@code member}'s cluster. */
  public void join(String member, String instance) {
    Cluster cluster =
        of(member).orElseThrow(() -> new IllegalStateException("no recorded cluster of " + member));
    write(
        c ->
            update(
                c,
                "INSERT INTO members (instance_id, cluster_id, engine, joined) VALUES (?, ?, ?, ?)"
                    + " ON CONFLICT (instance_id) DO UPDATE SET cluster_id = excluded.cluster_id, engine = excluded.engine,"
                    + " joined = excluded.joined",
                instance,
                cluster.id(),
                cluster.engine(),
                System.currentTimeMillis()));
  }

  /** {@code instance} left its cluster. */
  public void leave(String instance) {
    write(c -> update(c, "DELETE FROM members WHERE instance_id = ?", instance));
  }

  /** The cluster {@code instance} belongs to. */
  public Optional<Cluster> of(String instance) {
    return snapshot.values().stream().filter(cl -> cl.members().contains(instance)).findFirst();
  }

  /** Every recorded cluster, by id. */
  public Map<String, Cluster> clusters() {
    return snapshot;
  }

  private interface Writes {
    void run(Connection c) throws SQLException;
  }

  private void write(Writes work) {
    try {
      db.execute(
          c -> {
            work.run(c);
            return null;
          });
      reload();
    } catch (SQLException e) {
      throw new IllegalStateException("cluster membership: " + e.getMessage(), e);
    }
  }

  private static void update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      ps.executeUpdate();
    }
  }

  private synchronized void reload() throws SQLException {
    snapshot =
        db.execute(
            c -> {
              Map<String, String> engines = new LinkedHashMap<>();
              Map<String, List<String>> members = new LinkedHashMap<>();
              try (Statement s = c.createStatement();
                  ResultSet rs =
                      s.executeQuery(
                          "SELECT cluster_id, engine, instance_id FROM members ORDER BY cluster_id, joined, instance_id")) {
                while (rs.next()) {
                  engines.put(rs.getString(1), rs.getString(2));
                  members
                      .computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                      .add(rs.getString(3));
                }
              }
              Map<String, Cluster> out = new LinkedHashMap<>();
              members.forEach(
                  (id, m) -> out.put(id, new Cluster(id, engines.get(id), List.copyOf(m))));
              return Collections.unmodifiableMap(out);
            });
  }

  @Override
  public void close() {
    db.close();
  }
}
