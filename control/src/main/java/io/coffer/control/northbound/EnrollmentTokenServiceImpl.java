package io.coffer.control.northbound;

import com.google.protobuf.util.Timestamps;
import io.coffer.control.security.EnrollmentTokens;
import io.coffer.control.status.ApiErrors;
import io.coffer.proto.v1.CreateEnrollmentTokenRequest;
import io.coffer.proto.v1.EnrollmentToken;
import io.coffer.proto.v1.EnrollmentTokenServiceGrpc;
import io.coffer.proto.v1.EnrollmentTokenState;
import io.coffer.proto.v1.ListEnrollmentTokensRequest;
import io.coffer.proto.v1.ListEnrollmentTokensResponse;
import io.coffer.proto.v1.RevokeEnrollmentTokenRequest;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Creates, lists and revokes one-time enrollment tokens (administrators only). */
final class EnrollmentTokenServiceImpl
    extends EnrollmentTokenServiceGrpc.EnrollmentTokenServiceImplBase {
  static final Duration DEFAULT_TTL = Duration.ofHours(1);
  static final long MIN_TTL_SECONDS = 60;
  static final long MAX_TTL_SECONDS = Duration.ofDays(7).toSeconds();

  private final EnrollmentTokens tokens;
  private final Clock clock;

  EnrollmentTokenServiceImpl(EnrollmentTokens tokens, Clock clock) {
    this.tokens = tokens;
    this.clock = clock;
  }

  @Override
  public void createEnrollmentToken(
      CreateEnrollmentTokenRequest r, StreamObserver<EnrollmentToken> out) {
    MonoReplies.reply(
        () -> {
          String instance = Requests.instanceId(r.getInstanceId());
          long ttl = r.getTtlSeconds() == 0 ? DEFAULT_TTL.toSeconds() : r.getTtlSeconds();
          if (ttl < MIN_TTL_SECONDS || ttl > MAX_TTL_SECONDS) {
            throw ApiErrors.invalidArgument(
                "ttl_seconds",
                "must be " + MIN_TTL_SECONDS + " to " + MAX_TTL_SECONDS + " (0: one hour)");
          }
          return blocking(
              () -> {
                Instant now = clock.instant();
                EnrollmentTokens.Created created =
                    tokens.create(instance, Duration.ofSeconds(ttl), now);
                return proto(created.token(), now).toBuilder().setToken(created.secret()).build();
              });
        },
        out);
  }

  @Override
  public void listEnrollmentTokens(
      ListEnrollmentTokensRequest r, StreamObserver<ListEnrollmentTokensResponse> out) {
    MonoReplies.reply(
        () ->
            blocking(
                () -> {
                  Instant now = clock.instant();
                  return ListEnrollmentTokensResponse.newBuilder()
                      .addAllTokens(tokens.list().stream().map(t -> proto(t, now)).toList())
                      .build();
                }),
        out);
  }

  @Override
  public void revokeEnrollmentToken(
      RevokeEnrollmentTokenRequest r, StreamObserver<EnrollmentToken> out) {
    MonoReplies.reply(
        () -> {
          String id = Requests.required("token_id", r.getTokenId());
          return blocking(
              () -> {
                Instant now = clock.instant();
                return tokens
                    .revoke(id, now)
                    .map(t -> proto(t, now))
                    .orElseThrow(() -> ApiErrors.notFound("no enrollment token '" + id + "'"));
              });
        },
        out);
  }

  static EnrollmentToken proto(EnrollmentTokens.Token t, Instant now) {
    EnrollmentToken.Builder b =
        EnrollmentToken.newBuilder()
            .setTokenId(t.id())
            .setInstanceId(t.instanceId())
            .setCreatedAt(Timestamps.fromMillis(t.createdAt().toEpochMilli()))
            .setExpiresAt(Timestamps.fromMillis(t.expiresAt().toEpochMilli()))
            .setState(
                EnrollmentTokenState.valueOf("ENROLLMENT_TOKEN_STATE_" + t.state(now).name()));
    if (t.usedAt() != null) {
      b.setUsedAt(Timestamps.fromMillis(t.usedAt().toEpochMilli()));
    }
    return b.build();
  }

  private static <T> Mono<T> blocking(Callable<T> work) {
    return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic());
  }
}
