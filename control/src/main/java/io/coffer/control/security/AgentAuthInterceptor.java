package io.coffer.control.security;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits only agent identities ({@code coffer://instance/ID}) to the agent gateway, and refuses a
 * certificate that was revoked ({@link Revocations}) or has expired since its connection was made.
 */
public final class AgentAuthInterceptor implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(AgentAuthInterceptor.class);

  /** The calling agent's identity, for services behind this interceptor. */
  public static final Context.Key<Identity> IDENTITY = Context.key("coffer-agent-identity");

  /** The certificate the calling agent presented. */
  public static final Context.Key<AgentCertificate> CERTIFICATE =
      Context.key("coffer-agent-certificate");

  private final Revocations revocations;
  private final Clock clock;

  public AgentAuthInterceptor(Revocations revocations, Clock clock) {
    this.revocations = revocations;
    this.clock = clock;
  }

  /**
   * The calling agent's address as the transport saw it (a {@link java.net.SocketAddress}), for
   * logs.
   */
  public static final Context.Key<Object> REMOTE_ADDRESS =
      Context.key("coffer-agent-remote-address");

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Optional<Identity> id = PeerCertificates.identity(call);
    if (id.isEmpty()) {
      call.close(
          Status.UNAUTHENTICATED.withDescription(
              "an agent certificate issued by the Coffer CA is required"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    if (id.get().kind() != Identity.Kind.AGENT) {
      call.close(
          Status.PERMISSION_DENIED.withDescription(
              "certificate of " + id.get().uri() + " is not an agent identity"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    Object remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    AgentCertificate certificate =
        PeerCertificates.leaf(call).map(AgentCertificate::of).orElseThrow();
    Optional<Revocations.Revocation> revoked = revocations.of(certificate.serial());
    if (revoked.isPresent()) {
      log.warn(
          "SECURITY: refused the agent of instance {} from {}: its certificate {} was revoked at {}",
          id.get().name(),
          remote,
          certificate.serial(),
          revoked.get().revokedAt());
      call.close(
          Status.PERMISSION_DENIED.withDescription(
              "the certificate "
                  + certificate.serial()
                  + " of instance "
                  + id.get().name()
                  + " was revoked at "
                  + revoked.get().revokedAt()
                  + "; the instance needs a new certificate"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    if (!certificate.notAfter().isAfter(clock.instant())) {
      // TLS checked it at the handshake; a connection can outlive its certificate, new calls on it
      // may not
      call.close(
          Status.UNAUTHENTICATED.withDescription(
              "the certificate "
                  + certificate.serial()
                  + " expired at "
                  + certificate.notAfter()
                  + "; connect with a renewed one"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return Contexts.interceptCall(
        Context.current()
            .withValue(IDENTITY, id.get())
            .withValue(CERTIFICATE, certificate)
            .withValue(REMOTE_ADDRESS, remote == null ? "an unknown address" : remote),
        call,
        headers,
        next);
  }
}
