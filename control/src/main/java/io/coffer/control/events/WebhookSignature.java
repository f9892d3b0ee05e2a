package io.coffer.control.events;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code Coffer-Signature} header: {@code t=<unix seconds>,v1=<hex HMAC-SHA256>} over {@code
 * "<t>.<body>"}, keyed by the webhook's secret, as Stripe signs its webhooks. The time is inside
 * the signed text, so a receiver can refuse replays older than it tolerates, and the body cannot be
 * altered without the secret.
 */
public final class WebhookSignature {
  public static final String HEADER = "Coffer-Signature";

  private WebhookSignature() {}

  public static String header(byte[] secret, long unixSeconds, String body) {
    return "t=" + unixSeconds + ",v1=" + hmac(secret, unixSeconds + "." + body);
  }

  /** {@code hex(HMAC-SHA256(secret, text))}. */
  public static String hmac(byte[] secret, String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
