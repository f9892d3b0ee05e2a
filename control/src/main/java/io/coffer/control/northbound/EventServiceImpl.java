package io.coffer.control.northbound;

import io.coffer.control.events.EventKind;
import io.coffer.control.events.Events;
import io.coffer.control.security.Identity;
import io.coffer.control.status.ApiErrors;
import io.coffer.proto.v1.Event;
import io.coffer.proto.v1.EventServiceGrpc;
import io.coffer.proto.v1.WatchEventsRequest;
import io.grpc.stub.StreamObserver;
import java.util.Arrays;
import java.util.List;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** {@code WatchEvents}: the event journal from a sequence on, then live. */
final class EventServiceImpl extends EventServiceGrpc.EventServiceImplBase {
  private final Events events;

  EventServiceImpl(Events events) {
    this.events = events;
  }

  @Override
  public void watchEvents(WatchEventsRequest request, StreamObserver<Event> out) {
    try {
      checkKinds("kinds", request.getKindsList());
      for (int i = 0; i < request.getInstanceIdsCount(); i++) {
        if (!Identity.NAME.matcher(request.getInstanceIds(i)).matches()) {
          throw ApiErrors.invalidArgument(
              "instance_ids[" + i + "]", "must be 1-63 characters of a-z, 0-9 and '-'");
        }
      }
    } catch (RuntimeException e) {
      out.onError(e);
      return;
    }
    Streams.stream(
        Mono.fromCallable(
                () -> request.getOnlyNew() ? events.journal().latest() : request.getSinceSequence())
            .subscribeOn(Schedulers.boundedElastic())
            .flatMapMany(
                since ->
                    events.watch(
                        since,
                        Events.filter(request.getInstanceIdsList(), request.getKindsList()))),
        out);
  }

  /** INVALID_ARGUMENT naming {@code field[i]} for a kind that is not an event kind. */
  static void checkKinds(String field, List<String> kinds) {
    for (int i = 0; i < kinds.size(); i++) {
      if (EventKind.of(kinds.get(i)).isEmpty()) {
        throw ApiErrors.invalidArgument(
            field + "[" + i + "]",
            "'"
                + kinds.get(i)
                + "' is not an event kind; one of "
                + Arrays.stream(EventKind.values()).map(EventKind::wireName).toList());
      }
    }
  }
}
