package io.coffer.agent.notice;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When the agent's own certificate (the first of {@code control.certFile}) ends, and whether that
 * is worth a warning: once it is within the warning period, at most once a day per agent process (a
 * restarted agent warns again at once). Read from the file at every check, so a certificate
 * replaced on disk is seen.
 */
final class CertificateCheck {
  private static final Duration REPEAT = Duration.ofDays(1);
  private static final Duration DEFAULT_WARNING = Duration.ofDays(30);

  private final Path certFile;
  private final Duration warning;
  private Instant lastWarned;

  /**
   * @param warning how long before the end to warn; null for the default (30 days, at most a
   *     quarter of the certificate's lifetime)
   */
  CertificateCheck(Path certFile, Duration warning) {
    this.certFile = certFile;
    this.warning = warning;
  }

  /** When a certificate is valid. */
  record Validity(Instant notBefore, Instant notAfter) {}

  /** The certificate's validity; empty when the file cannot be read. */
  Optional<Validity> validity() {
    try (InputStream in = Files.newInputStream(certFile)) {
      X509Certificate c =
          (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      return Optional.of(new Validity(c.getNotBefore().toInstant(), c.getNotAfter().toInstant()));
    } catch (IOException | CertificateException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * True when {@code notAfter} is within the warning period at {@code now} and no warning went out
   * today.
   */
  synchronized boolean due(Validity validity, Instant now) {
    Duration period = warning;
    if (period == null) {
      // the agent renews its certificate with a third of its lifetime left: by default warn only
      // once a quarter is left (the renewal has been failing for a while), however short it is
      Duration quarter = Duration.between(validity.notBefore(), validity.notAfter()).dividedBy(4);
      period = quarter.compareTo(DEFAULT_WARNING) < 0 ? quarter : DEFAULT_WARNING;
    }
    if (Duration.between(now, validity.notAfter()).compareTo(period) > 0) {
      lastWarned = null;
      return false;
    }
    if (lastWarned != null && Duration.between(lastWarned, now).compareTo(REPEAT) < 0) {
      return false;
    }
    lastWarned = now;
    return true;
  }
}
