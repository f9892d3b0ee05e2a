package io.coffer.agent.identity;

import io.coffer.agent.config.AgentConfig;
import io.coffer.proto.v1.AgentCertificatesGrpc;
import io.coffer.proto.v1.RenewCertificateRequest;
import io.coffer.proto.v1.RenewCertificateResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;

/**
 * Renews the agent's certificate over its mTLS channel to the control, at two thirds of the
 * certificate's lifetime (so 16 h into a 24 h certificate): a new EC P-256 key made here, a PKCS#10
 * request to {@code AgentCertificates.Renew}, the answer checked (it certifies the new key, for
 * this instance), the files replaced ({@link CertificateFiles}) and the TLS key swapped ({@link
 * AgentKeyManager}); then {@code renewed} runs (the agent moves to a new connection that presents
 * it, make before break). A failed attempt is retried after a tenth of the time left (1 s to 5
 * min); an expired certificate cannot renew itself, and the agent says it needs a new enrollment
 * token.
 */
public final class CertificateRenewal implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CertificateRenewal.class);
  private static final Duration MIN_RETRY = Duration.ofSeconds(1);
  private static final Duration MAX_RETRY = Duration.ofMinutes(5);
  private static final long DEADLINE_SECONDS = 30;

  private final String instanceId;
  private final AgentConfig.Control control;
  private final AgentKeyManager keys;
  private final AgentCertificatesGrpc.AgentCertificatesStub stub;
  private final Clock clock;
  private final Runnable renewed;
  private volatile Disposable next;
  private volatile boolean closed;

  /**
   * @param channel the agent's channel to the control
   * @param renewed runs after each renewal, once the new certificate is in use for new connections
   */
  public CertificateRenewal(
      String instanceId,
      AgentConfig.Control control,
      AgentKeyManager keys,
      ManagedChannel channel,
      Clock clock,
      Runnable renewed) {
    this.renewed = renewed;
    this.instanceId = instanceId;
    this.control = control;
    this.keys = keys;
    this.stub = AgentCertificatesGrpc.newStub(channel);
    this.clock = clock;
  }

  /** Schedules the first renewal. */
  public void start() {
    schedule(renewalTime(keys.certificate()));
  }

  /** Two thirds into [notBefore, notAfter]. */
  static Instant renewalTime(X509Certificate cert) {
    Instant notBefore = cert.getNotBefore().toInstant();
    Instant notAfter = cert.getNotAfter().toInstant();
    return notBefore.plus(Duration.between(notBefore, notAfter).multipliedBy(2).dividedBy(3));
  }

  private void schedule(Instant at) {
    if (closed) {
      return;
    }
    long millis = Math.max(0, Duration.between(clock.instant(), at).toMillis());
    log.debug("certificate renewal in {} ms", millis);
    next = Schedulers.boundedElastic().schedule(this::renew, millis, TimeUnit.MILLISECONDS);
  }

  private void retry(String why) {
    Instant notAfter = keys.certificate().getNotAfter().toInstant();
    Instant now = clock.instant();
    if (!notAfter.isAfter(now)) {
      log.error(
          "the agent's certificate expired at {} and could not be renewed ({}); the control refuses"
              + " it: give this agent a new enrollment token (coffer enroll create --instance {})",
          notAfter,
          why,
          instanceId);
      schedule(now.plus(MAX_RETRY));
      return;
    }
    Duration wait = Duration.between(now, notAfter).dividedBy(10);
    wait = wait.compareTo(MIN_RETRY) < 0 ? MIN_RETRY : wait;
    wait = wait.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : wait;
    log.warn(
        "cannot renew the agent's certificate (valid until {}): {}; trying again in {} s",
        notAfter,
        why,
        wait.toSeconds());
    schedule(now.plus(wait));
  }

  private void renew() {
    if (closed) {
      return;
    }
    KeyPair pair = KeyMaterial.newKeyPair();
    RenewCertificateRequest request =
        RenewCertificateRequest.newBuilder()
            .setCsrPem(KeyMaterial.certificationRequest(instanceId, pair))
            .build();
    stub.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
        .withWaitForReady()
        .renew(
            request,
            new StreamObserver<>() {
              @Override
              public void onNext(RenewCertificateResponse response) {
                // file work off the network thread
                Schedulers.boundedElastic().schedule(() -> install(pair, response));
              }

              @Override
              public void onError(Throwable t) {
                Status s = Status.fromThrowable(t);
                retry(s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription()));
              }

              @Override
              public void onCompleted() {}
            });
  }

  private void install(KeyPair pair, RenewCertificateResponse response) {
    KeyMaterial material;
    try {
      List<X509Certificate> chain = KeyMaterial.parseChain(response.getCertificateChainPem());
      if (chain.isEmpty()) {
        throw new IOException("the control answered no certificate");
      }
      material = new KeyMaterial(chain, pair.getPrivate());
      if (!Arrays.equals(
          material.leaf().getPublicKey().getEncoded(), pair.getPublic().getEncoded())) {
        throw new IOException("the control certified another key than this agent's new one");
      }
      String named = CertificateIdentity.instanceOf(material.leaf(), "from the control");
      if (!named.equals(instanceId)) {
        throw new IOException("the control certified instance '" + named + "'");
      }
      CertificateFiles.replace(control.certFile(), control.keyFile(), material);
    } catch (IOException | RuntimeException e) {
      retry(e.getMessage());
      return;
    }
    X509Certificate old = keys.certificate();
    keys.use(material);
    log.info(
        "renewed the agent's certificate: {} until {} (was {}, until {}); presented from the next"
            + " connection",
        material.leaf().getSerialNumber().toString(16),
        material.leaf().getNotAfter().toInstant(),
        old.getSerialNumber().toString(16),
        old.getNotAfter().toInstant());
    schedule(renewalTime(material.leaf()));
    renewed.run();
  }

  @Override
  public void close() {
    closed = true;
    Disposable d = next;
    if (d != null) {
      d.dispose();
    }
  }
}
