package io.coffer.control.security;

import io.coffer.durability.GroupCommitter;
import io.coffer.durability.SqliteFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * One-time enrollment tokens ({@code enrollments.db}): each bound to one instance, usable once,
 * until it expires or is revoked. Only a token's SHA-256 is stored; the token itself is returned
 * once, by {@link #create}.
 */
public final class EnrollmentTokens implements AutoCloseable {
  private static final int FORMAT = 1;
  private static final String PREFIX = "cet_";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Where a token stands. */
  public enum State {
    UNUSED,
    USED,
    EXPIRED,
    REVOKED
  }

  /** A token as the control keeps it (without the secret). */
  public record Token(
      String id,
      String instanceId,
      Instant createdAt,
      Instant expiresAt,
      Instant usedAt,
      Instant revokedAt) {

    public State state(Instant now) {
      if (revokedAt != null) {
        return State.REVOKED;
      }
      if (usedAt != null) {
        return State.USED;
      }
      return now.isBefore(expiresAt) ? State.UNUSED : State.EXPIRED;
    }
  }

  /** A new token and its secret, which exists nowhere else. */
  public record Created(Token token, String secret) {}

  /** Why a token cannot be redeemed; {@code unknown} when no token has that secret. */
  public static final class Refused extends RuntimeException {
    private final boolean unknown;
    private final String tokenId;

    Refused(boolean unknown, String tokenId, String message) {
      super(message);
      this.unknown = unknown;
      this.tokenId = tokenId;
    }

    public boolean unknown() {
      return unknown;
    }

    /** The refused token's id, for logs; empty when unknown. */
    public String tokenId() {
      return tokenId;
    }
  }

  private final GroupCommitter db;

  private EnrollmentTokens(GroupCommitter db) {
    this.db = db;
  }

  /** Opens (or creates) {@code dir/enrollments.db}. */
  public static EnrollmentTokens open(Path dir) throws IOException {
    Connection c =
        SqliteFile.open(
            dir.resolve("enrollments.db"),
            FORMAT,
            List.of(
                """
        CREATE TABLE IF NOT EXISTS tokens (
          id          TEXT PRIMARY KEY,
          sha256      TEXT NOT NULL UNIQUE,
          instance_id TEXT NOT NULL,
          created_at  INTEGER NOT NULL,
          expires_at  INTEGER NOT NULL,
          used_at     INTEGER,
          revoked_at  INTEGER
        )"""));
    try {
      return new EnrollmentTokens(new GroupCommitter(c, "coffer-enrollments"));
    } catch (SQLException e) {
      throw new IOException("cannot open the enrollment tokens: " + e.getMessage(), e);
    }
  }

  /** A new token for {@code instanceId}, usable once within {@code ttl}. */
  public Created create(String instanceId, Duration ttl, Instant now) {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    byte[] id = new byte[6];
    RANDOM.nextBytes(id);
    Token t =
        new Token(
            "enr-" + HexFormat.of().formatHex(id), instanceId, now, now.plus(ttl), null, null);
    execute(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO tokens (id, sha256, instance_id, created_at, expires_at)"
                      + " VALUES (?, ?, ?, ?, ?)")) {
            s.setString(1, t.id());
            s.setString(2, sha256(token));
            s.setString(3, instanceId);
            s.setLong(4, now.toEpochMilli());
            s.setLong(5, t.expiresAt().toEpochMilli());
            s.executeUpdate();
          }
          return null;
        });
    return new Created(t, token);
  }

  /** Every token, newest first. */
  public List<Token> list() {
    return execute(
        c -> {
          List<Token> out = new ArrayList<>();
          try (PreparedStatement s =
                  c.prepareStatement(
                      "SELECT id, instance_id, created_at, expires_at, used_at, revoked_at"
                          + " FROM tokens ORDER BY created_at DESC, id");
              ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
              out.add(token(rs));
            }
          }
          return out;
        });
  }

  /** Revokes an unused token; a used or revoked one stays as it is. */
  public Optional<Token> revoke(String id, Instant now) {
    return execute(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE tokens SET revoked_at = ?"
                      + " WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL")) {
            s.setLong(1, now.toEpochMilli());
            s.setString(2, id);
            s.executeUpdate();
          }
          return byId(c, id);
        });
  }

  /**
   * Uses the token with this secret for {@code instanceId}: it is marked used, atomically, so a
   * second attempt (also a concurrent one) is refused.
   *
   * @throws Refused when no token has this secret, or it is used, expired, revoked or for another
   *     instance
   */
  public Token redeem(String secret, String instanceId, Instant now) {
    String hash = sha256(secret);
    // the checks run inside the write, so no second redemption can slip in between; refusals are
    // thrown after it, so a group commit never sees an exception from this work
    Token[] found = new Token[1];
    Token redeemed =
        execute(
            c -> {
              try (PreparedStatement s =
                  c.prepareStatement(
                      "SELECT id, instance_id, created_at, expires_at, used_at, revoked_at"
                          + " FROM tokens WHERE sha256 = ?")) {
                s.setString(1, hash);
                try (ResultSet rs = s.executeQuery()) {
                  if (!rs.next()) {
                    return null;
                  }
                  found[0] = token(rs);
                }
              }
              Token t = found[0];
              if (t.state(now) != State.UNUSED || !t.instanceId().equals(instanceId)) {
                return null;
              }
              try (PreparedStatement s =
                  c.prepareStatement(
                      "UPDATE tokens SET used_at = ? WHERE id = ? AND used_at IS NULL")) {
                s.setLong(1, now.toEpochMilli());
                s.setString(2, t.id());
                s.executeUpdate();
              }
              return byId(c, t.id()).orElseThrow();
            });
    if (redeemed != null) {
      return redeemed;
    }
    Token t = found[0];
    if (t == null) {
      throw new Refused(true, "", "the enrollment token is not known to this control");
    }
    String what = "enrollment token " + t.id();
    throw switch (t.state(now)) {
      case USED -> new Refused(false, t.id(), what + " was already used at " + t.usedAt());
      case EXPIRED -> new Refused(false, t.id(), what + " expired at " + t.expiresAt());
      case REVOKED -> new Refused(false, t.id(), what + " was revoked at " + t.revokedAt());
      case UNUSED ->
          new Refused(
              false,
              t.id(),
              what + " is for instance '" + t.instanceId() + "', not '" + instanceId + "'");
    };
  }

  /** Makes a redeemed token usable again, when nothing could be issued for it. */
  public void release(String id) {
    execute(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement("UPDATE tokens SET used_at = NULL WHERE id = ?")) {
            s.setString(1, id);
            s.executeUpdate();
          }
          return null;
        });
  }

  private static Optional<Token> byId(Connection c, String id) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT id, instance_id, created_at, expires_at, used_at, revoked_at"
                + " FROM tokens WHERE id = ?")) {
      s.setString(1, id);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(token(rs)) : Optional.empty();
      }
    }
  }

  private static Token token(ResultSet rs) throws SQLException {
    return new Token(
        rs.getString(1),
        rs.getString(2),
        Instant.ofEpochMilli(rs.getLong(3)),
        Instant.ofEpochMilli(rs.getLong(4)),
        instant(rs, 5),
        instant(rs, 6));
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  static String sha256(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T execute(Work<T> work) {
    try {
      return db.execute(work::run);
    } catch (SQLException e) {
      throw new IllegalStateException("enrollment tokens: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    db.close();
  }
}
