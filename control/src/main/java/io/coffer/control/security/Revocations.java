package io.coffer.control.security;

import io.coffer.durability.GroupCommitter;
import io.coffer.durability.SqliteFile;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Agent certificates the control refuses ({@code revocations.db}), by serial. Read on every agent
 * connection from memory; written through to disk before {@link #revoke} returns, so a revocation
 * outlives a control restart.
 */
public final class Revocations implements AutoCloseable {
  private static final int FORMAT = 1;

  /** One revoked certificate. */
  public record Revocation(String serial, String instanceId, Instant revokedAt, String reason) {}

  private final GroupCommitter db;
  private volatile Map<String, Revocation> bySerial;

  private Revocations(GroupCommitter db, Map<String, Revocation> loaded) {
    this.db = db;
    this.bySerial = loaded;
  }

  /** Opens (or creates) {@code dir/revocations.db}. */
  public static Revocations open(Path dir) throws IOException {
    Connection c =
        SqliteFile.open(
            dir.resolve("revocations.db"),
            FORMAT,
            List.of(
                """
        CREATE TABLE IF NOT EXISTS revocations (
          serial      TEXT PRIMARY KEY,
          instance_id TEXT NOT NULL,
          revoked_at  INTEGER NOT NULL,
          reason      TEXT NOT NULL
        )"""));
    Map<String, Revocation> loaded = new LinkedHashMap<>();
    try (PreparedStatement s =
            c.prepareStatement(
                "SELECT serial, instance_id, revoked_at, reason FROM revocations ORDER BY revoked_at");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        loaded.put(
            rs.getString(1),
            new Revocation(
                rs.getString(1),
                rs.getString(2),
                Instant.ofEpochMilli(rs.getLong(3)),
                rs.getString(4)));
      }
      return new Revocations(new GroupCommitter(c, "coffer-revocations"), loaded);
    } catch (SQLException e) {
      throw new IOException("cannot read the certificate revocations: " + e.getMessage(), e);
    }
  }

  /**
   * Revokes {@code serial} (normalised hex); revoking it again keeps the first record.
   *
   * @return the revocation in force
   */
  public synchronized Revocation revoke(
      String serial, String instanceId, String reason, Instant now) {
    Revocation existing = bySerial.get(serial);
    if (existing != null) {
      return existing;
    }
    Revocation r = new Revocation(serial, instanceId, now, reason);
    try {
      db.execute(
          c -> {
            try (PreparedStatement s =
                c.prepareStatement(
                    "INSERT INTO revocations (serial, instance_id, revoked_at, reason)"
                        + " VALUES (?, ?, ?, ?)")) {
              s.setString(1, serial);
              s.setString(2, instanceId);
              s.setLong(3, now.toEpochMilli());
              s.setString(4, reason);
              s.executeUpdate();
            }
            return null;
          });
    } catch (SQLException e) {
      throw new IllegalStateException("cannot record the revocation: " + e.getMessage(), e);
    }
    Map<String, Revocation> next = new LinkedHashMap<>(bySerial);
    next.put(serial, r);
    bySerial = next;
    return r;
  }

  /** The revocation of {@code serial}, if it is revoked. */
  public Optional<Revocation> of(String serial) {
    return Optional.ofNullable(bySerial.get(serial));
  }

  /** Every revocation, oldest first. */
  public List<Revocation> list() {
    return List.copyOf(bySerial.values());
  }

  @Override
  public void close() {
    db.close();
  }
}
