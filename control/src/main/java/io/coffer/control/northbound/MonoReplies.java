package io.coffer.control.northbound;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/** Bridges a Reactor {@link Mono} to a unary gRPC reply; a cancelled call cancels the Mono. */
final class MonoReplies {
  private static final Logger log = LoggerFactory.getLogger(MonoReplies.class);

  private MonoReplies() {}

  static <T> void reply(Supplier<Mono<T>> work, StreamObserver<T> observer) {
    Mono<T> mono;
    try {
      mono = work.get(); // validation errors are thrown here
    } catch (RuntimeException e) {
      observer.onError(status(e));
      return;
    }
    Disposable d =
        mono.subscribe(
            value -> {
              observer.onNext(value);
              observer.onCompleted();
            },
            e -> observer.onError(status(e)));
    if (observer instanceof ServerCallStreamObserver<T> call) {
      call.setOnCancelHandler(d::dispose);
    }
  }

  private static Throwable status(Throwable e) {
    if (e instanceof StatusRuntimeException || e instanceof StatusException) {
      return e;
    }
    log.error("northbound call failed", e);
    return Status.INTERNAL
        .withDescription("internal error in the control; see its log")
        .asRuntimeException();
  }
}
