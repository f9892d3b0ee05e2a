package io.coffer.control.northbound;

import com.google.protobuf.util.Timestamps;
import io.coffer.control.registry.AgentRegistry;
import io.coffer.control.registry.AgentSession;
import io.coffer.control.security.AgentCertificate;
import io.coffer.control.security.Revocations;
import io.coffer.control.status.ApiErrors;
import io.coffer.proto.v1.CertificateServiceGrpc;
import io.coffer.proto.v1.ListRevocationsRequest;
import io.coffer.proto.v1.ListRevocationsResponse;
import io.coffer.proto.v1.Revocation;
import io.coffer.proto.v1.RevokeCertificateRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Revokes agent certificates: recorded durably first, then the live streams that use the
 * certificate are closed with PERMISSION_DENIED, and {@code AgentAuthInterceptor} refuses every
 * later connection with it.
 */
final class CertificateServiceImpl extends CertificateServiceGrpc.CertificateServiceImplBase {
  private static final Logger log = LoggerFactory.getLogger(CertificateServiceImpl.class);
  private static final int MAX_REASON = 200;

  private final Revocations revocations;
  private final AgentRegistry registry;
  private final Clock clock;

  CertificateServiceImpl(Revocations revocations, AgentRegistry registry, Clock clock) {
    this.revocations = revocations;
    this.registry = registry;
    this.clock = clock;
  }

  @Override
  public void revokeCertificate(RevokeCertificateRequest r, StreamObserver<Revocation> out) {
    MonoReplies.reply(
        () -> {
          boolean byInstance = !r.getInstanceId().isEmpty();
          boolean bySerial = !r.getSerial().isEmpty();
          if (byInstance == bySerial) {
            throw ApiErrors.invalidArgument("instance_id", "give instance_id or serial, not both");
          }
          if (r.getReason().length() > MAX_REASON) {
            throw ApiErrors.invalidArgument(
                "reason", "must be at most " + MAX_REASON + " characters");
          }
          List<String> serials;
          String instance;
          if (byInstance) {
            instance = Requests.instanceId(r.getInstanceId());
            serials = registry.certificates(instance);
            if (serials.isEmpty()) {
              throw Status.NOT_FOUND
                  .withDescription(
                      "no agent of instance '"
                          + instance
                          + "' has connected since this control started;"
                          + " revoke its certificate by serial")
                  .asRuntimeException();
            }
          } else {
            String serial =
                AgentCertificate.normalise(r.getSerial())
                    .orElseThrow(
                        () -> ApiErrors.invalidArgument("serial", "must be hexadecimal digits"));
            serials = List.of(serial);
            instance =
                registry.sessionsWithCertificate(serial).stream()
                    .map(AgentSession::instanceId)
                    .findFirst()
                    .orElse("");
          }
          return blocking(
              () -> {
                List<Revocations.Revocation> done = new ArrayList<>();
                for (String serial : serials) {
                  done.add(revocations.revoke(serial, instance, r.getReason(), clock.instant()));
                }
                for (String serial : serials) {
                  for (AgentSession s : registry.sessionsWithCertificate(serial)) {
                    log.warn(
                        "SECURITY: certificate {} revoked; closing the stream of instance {}",
                        serial,
                        s.instanceId());
                    s.close(
                        Status.PERMISSION_DENIED.withDescription(
                            "the certificate " + serial + " was revoked"));
                    registry.detach(s);
                  }
                }
                return proto(done.get(0)).toBuilder()
                    .addAllAlsoRevokedSerials(serials.subList(1, serials.size()))
                    .build();
              });
        },
        out);
  }

  @Override
  public void listRevocations(
      ListRevocationsRequest r, StreamObserver<ListRevocationsResponse> out) {
    MonoReplies.reply(
        () ->
            Mono.just(
                ListRevocationsResponse.newBuilder()
                    .addAllRevocations(revocations.list().stream().map(this::proto).toList())
                    .build()),
        out);
  }

  private Revocation proto(Revocations.Revocation r) {
    return Revocation.newBuilder()
        .setSerial(r.serial())
        .setInstanceId(r.instanceId())
        .setRevokedAt(Timestamps.fromMillis(r.revokedAt().toEpochMilli()))
        .setReason(r.reason())
        .build();
  }

  private static <T> Mono<T> blocking(Callable<T> work) {
    return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic());
  }
}
