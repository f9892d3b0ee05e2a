package io.coffer.control.northbound;

import io.coffer.control.ca.CertificateAuthority;
import io.coffer.control.ca.CertificationRequests;
import io.coffer.control.ca.Pem;
import io.coffer.control.security.EnrollmentTokens;
import io.coffer.control.status.ApiErrors;
import io.coffer.proto.v1.EnrollRequest;
import io.coffer.proto.v1.EnrollResponse;
import io.coffer.proto.v1.EnrollmentServiceGrpc;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Trades a one-time enrollment token and a certification request for an agent certificate. The
 * request is checked first (one PEM PKCS#10 request whose signature verifies: the caller holds the
 * key), then the token is used, then the certificate issued; a failed issue makes the token usable
 * again, so nothing is issued and nothing consumed on any error. Attempts are logged by token id,
 * never with the token.
 */
final class EnrollmentServiceImpl extends EnrollmentServiceGrpc.EnrollmentServiceImplBase {
  private static final Logger log = LoggerFactory.getLogger(EnrollmentServiceImpl.class);

  private final EnrollmentTokens tokens;
  private final Optional<CertificateAuthority> ca;
  private final Duration validity;
  private final Clock clock;

  EnrollmentServiceImpl(
      EnrollmentTokens tokens, Optional<CertificateAuthority> ca, Duration validity, Clock clock) {
    this.tokens = tokens;
    this.ca = ca;
    this.validity = validity;
    this.clock = clock;
  }

  @Override
  public void enroll(EnrollRequest r, StreamObserver<EnrollResponse> out) {
    MonoReplies.reply(
        () -> {
          String instance = Requests.instanceId(r.getInstanceId());
          Requests.required("token", r.getToken());
          PKCS10CertificationRequest csr = csr(r.getCsrPem());
          CertificateAuthority issuer =
              ca.orElseThrow(
                  () ->
                      Status.FAILED_PRECONDITION
                          .withDescription(
                              "this control holds no issuing key (its home has no CA key):"
                                  + " it cannot enroll agents")
                          .asRuntimeException());
          return Mono.fromCallable(() -> issue(issuer, r.getToken(), instance, csr))
              .subscribeOn(Schedulers.boundedElastic());
        },
        out);
  }

  private EnrollResponse issue(
      CertificateAuthority issuer, String token, String instance, PKCS10CertificationRequest csr) {
    EnrollmentTokens.Token used;
    try {
      used = tokens.redeem(token, instance, clock.instant());
    } catch (EnrollmentTokens.Refused e) {
      log.warn(
          "SECURITY: refused an enrollment for instance {}{}: {}",
          instance,
          e.unknown() ? "" : " (token " + e.tokenId() + ")",
          e.getMessage());
      throw (e.unknown() ? Status.UNAUTHENTICATED : Status.PERMISSION_DENIED)
          .withDescription(e.getMessage())
          .asRuntimeException();
    }
    try {
      List<X509Certificate> chain = issuer.certifyAgent(instance, csr, validity);
      log.info(
          "enrolled instance {} with token {}: certificate {} until {}",
          instance,
          used.id(),
          chain.get(0).getSerialNumber().toString(16),
          chain.get(0).getNotAfter().toInstant());
      return EnrollResponse.newBuilder()
          .setCertificateChainPem(Pem.encodeCertificates(chain))
          .build();
    } catch (RuntimeException e) {
      tokens.release(used.id());
      throw e;
    }
  }

  /** One PEM certification request whose signature verifies, or INVALID_ARGUMENT naming csr_pem. */
  static PKCS10CertificationRequest csr(String pem) {
    try {
      return CertificationRequests.parse(pem);
    } catch (IllegalArgumentException e) {
      throw ApiErrors.invalidArgument("csr_pem", e.getMessage());
    }
  }
}
