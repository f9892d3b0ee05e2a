package io.coffer.control.events;

import io.coffer.control.keys.SealingKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The webhooks and how far each got, in the event journal's file: a webhook's cursor (the last
 * event it acknowledged with 2xx) is durable, so deliveries continue where they stopped after a
 * control restart (at least once: an event sent but not yet recorded is sent again). The signing
 * secret is kept sealed ({@link SealingKey}, purpose {@code webhook}).
 */
public final class WebhookStore {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String PURPOSE = "webhook";
  private final EventJournal journal;
  private final SealingKey sealing;

  /**
   * A webhook as stored.
   *
   * @param kinds the kinds it gets; empty: all
   * @param delivered the last sequence it acknowledged
   * @param nextAttempt when to try the next event again after a failure (epoch ms, 0: now)
   */
  public record Hook(
      String id,
      String url,
      byte[] secret,
      List<String> kinds,
      Instant created,
      long delivered,
      int failures,
      String lastError,
      long lastAttempt,
      long nextAttempt) {}

  public WebhookStore(EventJournal journal, SealingKey sealing) {
    this.journal = journal;
    this.sealing = sealing;
  }

  /** Adds a webhook that starts after {@code startAfter}. */
  public Hook add(String url, String secret, List<String> kinds, long startAfter, Instant now) {
    byte[] bytes = new byte[8];
    RANDOM.nextBytes(bytes);
    String id = "wh-" + HexFormat.of().formatHex(bytes);
    byte[] sealed = sealing.seal(PURPOSE, id, secret.getBytes(StandardCharsets.UTF_8));
    journal.run(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO webhooks (webhook_id, url, secret, kinds, created_at,"
                      + " delivered) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, url);
            ps.setBytes(3, sealed);
            ps.setString(4, String.join(",", kinds));
            ps.setLong(5, now.toEpochMilli());
            ps.setLong(6, startAfter);
            return ps.executeUpdate();
          }
        });
    return get(id).orElseThrow();
  }

  public List<Hook> list() {
    return journal.run(
        c -> {
          List<Hook> out = new ArrayList<>();
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT webhook_id, url, secret, kinds, created_at, delivered,"
                          + " failures, last_error, last_attempt, next_attempt FROM webhooks ORDER BY created_at, webhook_id");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(hook(rs));
            }
          }
          return out;
        });
  }

  public Optional<Hook> get(String id) {
    return list().stream().filter(h -> h.id().equals(id)).findFirst();
  }

  /**
   * @return false when there was no such webhook
   */
  public boolean delete(String id) {
    return journal.run(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM webhooks WHERE webhook_id = ?")) {
            ps.setString(1, id);
            return ps.executeUpdate() == 1;
          }
        });
  }

  /** The event {@code sequence} was acknowledged (or does not concern the webhook): move on. */
  public void delivered(String id, long sequence, Instant at) {
    journal.run(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE webhooks SET delivered = MAX(delivered, ?), failures = 0,"
                      + " last_error = '', last_attempt = ?, next_attempt = 0 WHERE webhook_id = ?")) {
            ps.setLong(1, sequence);
            ps.setLong(2, at.toEpochMilli());
            ps.setString(3, id);
            return ps.executeUpdate();
          }
        });
  }

  /** An attempt failed: try again at {@code next}. */
  public void failed(String id, String error, Instant at, Instant next) {
    journal.run(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE webhooks SET failures = failures + 1, last_error = ?,"
                      + " last_attempt = ?, next_attempt = ? WHERE webhook_id = ?")) {
            ps.setString(1, error.length() > 500 ? error.substring(0, 500) : error);
            ps.setLong(2, at.toEpochMilli());
            ps.setLong(3, next.toEpochMilli());
            ps.setString(4, id);
            return ps.executeUpdate();
          }
        });
  }

  /** The signing secret, unsealed for one delivery. */
  public byte[] secret(Hook hook) {
    try {
      return sealing.open(PURPOSE, hook.id(), hook.secret());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "the secret of webhook "
              + hook.id()
              + " cannot be opened with "
              + SealingKey.FILE
              + " (was the key file replaced?)",
          e);
    }
  }

  private static Hook hook(ResultSet rs) throws SQLException {
    String kinds = rs.getString(4);
    return new Hook(
        rs.getString(1),
        rs.getString(2),
        rs.getBytes(3),
        kinds.isEmpty() ? List.of() : Arrays.asList(kinds.split(",")),
        Instant.ofEpochMilli(rs.getLong(5)),
        rs.getLong(6),
        rs.getInt(7),
        rs.getString(8),
        rs.getLong(9),
        rs.getLong(10));
  }
}
