package io.coffer.control.security;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/**
 * Authenticates northbound callers: a client certificate of the Coffer CA carrying a client
 * identity, or {@code authorization: Bearer TOKEN} with a token from the control's configuration
 * (compared in constant time). No anonymous access; agent certificates are refused.
 */
public final class ApiAuthInterceptor implements ServerInterceptor {
  /** The authenticated caller, for services behind this interceptor. */
  public static final Context.Key<String> CALLER = Context.key("coffer-caller");

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final List<ApiToken> tokens;

  public ApiAuthInterceptor(List<ApiToken> tokens) {
    this.tokens = List.copyOf(tokens);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Optional<Identity> id = PeerCertificates.identity(call);
    String caller = null;
    if (id.isPresent()) {
      if (id.get().kind() != Identity.Kind.CLIENT) {
        return refuse(
            call,
            Status.PERMISSION_DENIED.withDescription(
                "agent certificates cannot call the northbound API"));
      }
      caller = "client:" + id.get().name();
    } else {
      String auth = headers.get(AUTHORIZATION);
      if (auth != null && auth.startsWith("Bearer ")) {
        caller =
            token(auth.substring("Bearer ".length()).trim())
                .map(t -> "token:" + t.name())
                .orElse(null);
        if (caller == null) {
          return refuse(call, Status.UNAUTHENTICATED.withDescription("unknown bearer token"));
        }
      }
    }
    if (caller == null) {
      return refuse(
          call,
          Status.UNAUTHENTICATED.withDescription(
              "a client certificate or a bearer token is required"));
    }
    return Contexts.interceptCall(Context.current().withValue(CALLER, caller), call, headers, next);
  }

  private Optional<ApiToken> token(String presented) {
    byte[] p = presented.getBytes(StandardCharsets.UTF_8);
    ApiToken match = null;
    for (ApiToken t : tokens) { // no early exit: timing does not tell which token nearly matched
      if (MessageDigest.isEqual(p, t.token().getBytes(StandardCharsets.UTF_8))) {
        match = t;
      }
    }
    return Optional.ofNullable(match);
  }

  private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
    call.close(status, new Metadata());
    return new ServerCall.Listener<>() {};
  }
}
