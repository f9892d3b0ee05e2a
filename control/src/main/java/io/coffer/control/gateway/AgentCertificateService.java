package io.coffer.control.gateway;

import io.coffer.control.ca.CertificateAuthority;
import io.coffer.control.ca.CertificationRequests;
import io.coffer.control.ca.Pem;
import io.coffer.control.registry.AgentRegistry;
import io.coffer.control.security.AgentAuthInterceptor;
import io.coffer.control.security.AgentCertificate;
import io.coffer.control.security.Identity;
import io.coffer.control.status.ApiErrors;
import io.coffer.control.store.StateStore;
import io.coffer.proto.v1.AgentCertificatesGrpc;
import io.coffer.proto.v1.RenewCertificateRequest;
import io.coffer.proto.v1.RenewCertificateResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Renews agent certificates over the agents' own mTLS channel: the instance is the one of the
 * certificate the call came with (checked, and refused when revoked, by {@link
 * AgentAuthInterceptor}), the key is the one of the request; the new certificate lasts {@code
 * agentCertificateValidity}. The agent's live stream goes on with its older certificate until that
 * one expires (then {@link AgentGatewayService} closes it); the instance's status shows the new one
 * at once.
 */
public final class AgentCertificateService extends AgentCertificatesGrpc.AgentCertificatesImplBase {
  private static final Logger log = LoggerFactory.getLogger(AgentCertificateService.class);

  private final Optional<CertificateAuthority> issuer;
  private final Duration validity;
  private final AgentRegistry registry;
  private final StateStore store;

  /**
   * @param issuer the issuing CA; empty when this control holds no issuing key (renewals are then
   *     refused with FAILED_PRECONDITION)
   * @param validity of the certificates issued
   */
  public AgentCertificateService(
      Optional<CertificateAuthority> issuer,
      Duration validity,
      AgentRegistry registry,
      StateStore store) {
    this.store = store;
    this.issuer = issuer;
    this.validity = validity;
    this.registry = registry;
  }

  @Override
  public void renew(RenewCertificateRequest r, StreamObserver<RenewCertificateResponse> out) {
    Identity identity = AgentAuthInterceptor.IDENTITY.get();
    AgentCertificate presented = AgentAuthInterceptor.CERTIFICATE.get();
    PKCS10CertificationRequest csr;
    CertificateAuthority ca;
    try {
      csr = CertificationRequests.parse(r.getCsrPem());
    } catch (IllegalArgumentException e) {
      out.onError(ApiErrors.invalidArgument("csr_pem", e.getMessage()));
      return;
    }
    if (issuer.isEmpty()) {
      log.warn(
          "cannot renew the certificate of instance {}: this control holds no issuing key",
          identity.name());
      out.onError(
          Status.FAILED_PRECONDITION
              .withDescription(
                  "this control holds no issuing key (its home has no CA key): it cannot renew"
                      + " certificates")
              .asRuntimeException());
      return;
    }
    ca = issuer.get();
    // signing is quick but not free: keep it off the network thread
    Mono.fromCallable(
            () -> {
              List<X509Certificate> chain = ca.certifyAgent(identity.name(), csr, validity);
              X509Certificate leaf = chain.get(0);
              // before the answer: the control remembers what the agent will connect with
              store.saveCertificate(
                  identity.name(),
                  new StateStore.KnownCertificate(
                      leaf.getSerialNumber().toString(16), leaf.getNotAfter().toInstant()));
              return chain;
            })
        .subscribeOn(Schedulers.boundedElastic())
        .subscribe(
            chain -> {
              X509Certificate leaf = chain.get(0);
              String serial = leaf.getSerialNumber().toString(16);
              registry.renewed(identity.name(), serial, leaf.getNotAfter().toInstant());
              log.info(
                  "renewed the certificate of instance {}: {} until {} (was {})",
                  identity.name(),
                  serial,
                  leaf.getNotAfter().toInstant(),
                  presented.serial());
              out.onNext(
                  RenewCertificateResponse.newBuilder()
                      .setCertificateChainPem(Pem.encodeCertificates(List.copyOf(chain)))
                      .build());
              out.onCompleted();
            },
            e -> {
              if (e instanceof StatusRuntimeException s) {
                out.onError(s);
                return;
              }
              log.error("cannot renew the certificate of instance {}", identity.name(), e);
              out.onError(
                  Status.INTERNAL
                      .withDescription("cannot issue the certificate; see the control's log")
                      .asRuntimeException());
            });
  }
}
