package io.coffer.control.security;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * The certificate an agent connected with: its serial (lower-case hex, no leading zeros, as {@code
 * openssl x509 -serial} prints it but in lower case) and when it expires.
 */
public record AgentCertificate(String serial, Instant notAfter) {

  static AgentCertificate of(X509Certificate certificate) {
    return new AgentCertificate(
        hex(certificate.getSerialNumber()), certificate.getNotAfter().toInstant());
  }

  static String hex(BigInteger serial) {
    return serial.toString(16);
  }

  /**
   * A serial as an operator types it, normalised; empty when it is not hex.
   *
   * @param text hex digits, optionally with {@code 0x}, colons and leading zeros
   */
  public static Optional<String> normalise(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT).replace(":", "");
    if (t.startsWith("0x")) {
      t = t.substring(2);
    }
    if (t.isEmpty() || t.length() > 64 || !t.matches("[0-9a-f]+")) {
      return Optional.empty();
    }
    return Optional.of(hex(new BigInteger(t, 16)));
  }
}
