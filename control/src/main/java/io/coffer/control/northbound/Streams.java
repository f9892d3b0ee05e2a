package io.coffer.control.northbound;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.atomic.AtomicReference;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;

/**
 * Bridges a Reactor {@link Flux} to a server-streaming gRPC reply with flow control: one item is
 * requested each time the transport can take one more, so a slow watcher holds at most one item in
 * the control; a cancelled call cancels the Flux.
 */
final class Streams {
  private Streams() {}

  static <T> void stream(Flux<T> items, StreamObserver<T> observer) {
    ServerCallStreamObserver<T> call = (ServerCallStreamObserver<T>) observer;
    AtomicReference<Subscription> upstream = new AtomicReference<>();
    BaseSubscriber<T> subscriber =
        new BaseSubscriber<>() {
          @Override
          protected void hookOnSubscribe(Subscription s) {
            upstream.set(s);
            if (call.isReady()) {
              s.request(1);
            }
          }

          @Override
          protected void hookOnNext(T value) {
            call.onNext(value);
            if (call.isReady()) {
              request(1);
            }
          }

          @Override
          protected void hookOnComplete() {
            call.onCompleted();
          }

          @Override
          protected void hookOnError(Throwable e) {
            call.onError(
                e instanceof StatusRuntimeException
                    ? e
                    : Status.INTERNAL
                        .withDescription("internal error in the control; see its log")
                        .asRuntimeException());
          }
        };
    call.setOnReadyHandler(
        () -> {
          Subscription s = upstream.get();
          if (s != null && call.isReady()) {
            s.request(1);
          }
        });
    call.setOnCancelHandler(subscriber::dispose);
    items.subscribe(subscriber);
  }
}
