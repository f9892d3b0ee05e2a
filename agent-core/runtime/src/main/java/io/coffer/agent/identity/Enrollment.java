package io.coffer.agent.identity;

import io.coffer.agent.config.AgentConfig;
import io.coffer.proto.v1.EnrollRequest;
import io.coffer.proto.v1.EnrollResponse;
import io.coffer.proto.v1.EnrollmentServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets the agent its certificate with a one-time enrollment token, once: it makes an EC P-256 key
 * pair here (the private key never leaves the guest: {@code control.keyFile}, mode 0600), sends a
 * certification request with the token to the control's enrollment endpoint over TLS that
 * authenticates the control against {@code control.caFile}, and writes the certificate chain to
 * {@code control.certFile}. Once that file exists the token is not used again.
 */
public final class Enrollment {
  private static final Logger log = LoggerFactory.getLogger(Enrollment.class);

  private Enrollment() {}

  /**
   * Enrolls when the certificate file is missing and an enrollment is configured.
   *
   * @throws EnrollmentException when the certificate is missing and there is no token, or the
   *     control refuses it (the message says why), or the files cannot be written
   */
  public static void ensureCertificate(AgentConfig config) {
    AgentConfig.Control control = config.control();
    AgentConfig.Enrollment enrollment = control.enrollment();
    try {
      CertificateFiles.recover(control.certFile(), control.keyFile());
    } catch (IOException e) {
      throw new EnrollmentException(
          "cannot finish an interrupted certificate renewal in "
              + control.certFile().getParent()
              + ": "
              + e.getMessage(),
          e);
    }
    if (Files.exists(control.certFile())) {
      Optional<Instant> expired = expiredAt(control.certFile());
      if (expired.isEmpty()) {
        return;
      }
      if (enrollment == null) {
        throw new EnrollmentException(
            "the certificate "
                + control.certFile()
                + " expired at "
                + expired.get()
                + "; the control refuses it: give this agent a new enrollment token"
                + " (coffer enroll create --instance "
                + config.instanceId()
                + ") or a new certificate");
      }
      log.warn(
          "the certificate {} expired at {}; enrolling again with the configured token",
          control.certFile(),
          expired.get());
    } else if (enrollment == null) {
      throw new EnrollmentException(
          "no certificate at "
              + control.certFile()
              + " and no enrollment token (enrollment.token or enrollment.tokenFile)");
    }
    if (enrollment.token() == null) {
      throw new EnrollmentException(
          "the agent needs a certificate ("
              + control.certFile()
              + ") and its enrollment token file "
              + enrollment.missingTokenFile()
              + " does not exist: put the token from 'coffer enroll create --instance "
              + config.instanceId()
              + "' there, or in COFFER_AGENT_ENROLLMENT__TOKEN");
    }
    KeyPair keys = KeyMaterial.newKeyPair();
    String csr = KeyMaterial.certificationRequest(config.instanceId(), keys);
    try {
      EnrollResponse response = enroll(control, enrollment, config.instanceId(), csr);
      List<X509Certificate> chain = KeyMaterial.parseChain(response.getCertificateChainPem());
      if (chain.isEmpty()) {
        throw new EnrollmentException("the control answered no certificate");
      }
      CertificateFiles.replace(
          control.certFile(), control.keyFile(), new KeyMaterial(chain, keys.getPrivate()));
      log.info(
          "enrolled as instance {}: certificate in {}, key in {}",
          config.instanceId(),
          control.certFile(),
          control.keyFile());
    } catch (IOException e) {
      throw new EnrollmentException("cannot enroll: " + e.getMessage(), e);
    }
  }

  /** When the certificate in {@code file} expired, if it has; unreadable files are left to TLS. */
  private static Optional<Instant> expiredAt(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      X509Certificate cert =
          (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      Instant notAfter = cert.getNotAfter().toInstant();
      return notAfter.isBefore(Instant.now()) ? Optional.of(notAfter) : Optional.empty();
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static EnrollResponse enroll(
      AgentConfig.Control control, AgentConfig.Enrollment enrollment, String instance, String csr)
      throws IOException {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress(enrollment.host(), enrollment.port())
            .overrideAuthority(control.host())
            .sslContext(
                GrpcSslContexts.forClient()
                    .trustManager(control.caFile().toFile())
                    .protocols("TLSv1.3")
                    .build())
            .build();
    EnrollRequest request =
        EnrollRequest.newBuilder()
            .setToken(enrollment.token())
            .setInstanceId(instance)
            .setCsrPem(csr)
            .build();
    try {
      // a guest may boot before its control is reachable: wait for it, as the channel does;
      // only an answer (a refusal) ends the agent
      Duration wait = Duration.ofSeconds(1);
      while (true) {
        try {
          return EnrollmentServiceGrpc.newBlockingStub(channel)
              .withDeadlineAfter(30, TimeUnit.SECONDS)
              .enroll(request);
        } catch (StatusRuntimeException e) {
          Status.Code code = e.getStatus().getCode();
          if (code != Status.Code.UNAVAILABLE && code != Status.Code.DEADLINE_EXCEEDED) {
            throw refused(enrollment, e);
          }
          log.warn(
              "cannot reach the control's enrollment endpoint {}:{} ({}); trying again in {} s",
              enrollment.host(),
              enrollment.port(),
              code,
              wait.toSeconds());
          try {
            Thread.sleep(wait.toMillis());
          } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw refused(enrollment, e);
          }
          Duration doubled = wait.multipliedBy(2);
          wait = doubled.compareTo(control.maxBackoff()) > 0 ? control.maxBackoff() : doubled;
        }
      }
    } finally {
      channel.shutdownNow();
    }
  }

  private static EnrollmentException refused(
      AgentConfig.Enrollment enrollment, StatusRuntimeException e) {
    return new EnrollmentException(
        "enrollment at "
            + enrollment.host()
            + ":"
            + enrollment.port()
            + " failed: "
            + e.getStatus().getCode()
            + (e.getStatus().getDescription() == null ? "" : ": " + e.getStatus().getDescription()),
        e);
  }

  /** Enrollment is impossible or was refused; the agent cannot start. */
  public static final class EnrollmentException extends RuntimeException {
    EnrollmentException(String message) {
      super(message);
    }

    EnrollmentException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
