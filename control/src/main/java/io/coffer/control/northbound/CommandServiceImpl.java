package io.coffer.control.northbound;

import com.google.protobuf.Timestamp;
import io.coffer.control.broker.Broker;
import io.coffer.control.status.ApiErrors;
import io.coffer.control.store.StateStore.StoredCommand;
import io.coffer.proto.v1.CancelCommandRequest;
import io.coffer.proto.v1.CommandServiceGrpc;
import io.coffer.proto.v1.CommandState;
import io.coffer.proto.v1.CommandStatus;
import io.coffer.proto.v1.GetCommandRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import reactor.core.publisher.Mono;

/** The journaled state of any mutating command, by command id. */
public final class CommandServiceImpl extends CommandServiceGrpc.CommandServiceImplBase {
  private final Broker broker;

  CommandServiceImpl(Broker broker) {
    this.broker = broker;
  }

  @Override
  public void getCommand(GetCommandRequest request, StreamObserver<CommandStatus> out) {
    MonoReplies.reply(
        () -> {
          String id = Requests.required("command_id", request.getCommandId());
          return broker
              .find(id)
              .flatMap(
                  found ->
                      found
                          .map(c -> Mono.just(withProgress(status(c))))
                          .orElseGet(
                              () ->
                                  Mono.error(
                                      ApiErrors.notFound(
                                          "no command '"
                                              + id
                                              + "' (unknown, read-only, or past retention)"))));
        },
        out);
  }

  @Override
  public void cancelCommand(CancelCommandRequest request, StreamObserver<CommandStatus> out) {
    MonoReplies.reply(
        () -> {
          String id = Requests.required("command_id", request.getCommandId());
          return broker.cancel(id).map(c -> withProgress(status(c)));
        },
        out);
  }

  private CommandStatus withProgress(CommandStatus status) {
    if (status.getState() != CommandState.COMMAND_STATE_PENDING) {
      return status;
    }
    return broker
        .progress(status.getCommandId())
        .map(
            p ->
                status.toBuilder()
                    .setProgressBytes(p.getBytes())
                    .setProgressPercent(p.getPercent())
                    .build())
        .orElse(status);
  }

  private static CommandStatus status(StoredCommand c) {
    CommandStatus.Builder b =
        CommandStatus.newBuilder()
            .setCommandId(c.commandId())
            .setInstanceId(c.instanceId())
            .setOperation(c.operation())
            .setCreated(ts(c.created()));
    c.finished().ifPresent(f -> b.setFinished(ts(f)));
    if (c.result().isEmpty()) {
      return b.setState(CommandState.COMMAND_STATE_PENDING).build();
    }
    var status = c.result().get().getStatus();
    if (status.getCode() == 0) {
      return b.setState(CommandState.COMMAND_STATE_SUCCEEDED).build();
    }
    Status.Code code = Status.fromCodeValue(status.getCode()).getCode();
    return b.setState(
            code == Status.Code.CANCELLED
                ? CommandState.COMMAND_STATE_CANCELLED
                : CommandState.COMMAND_STATE_FAILED)
        .setErrorCode(code.name())
        .setErrorMessage(status.getMessage())
        .build();
  }

  private static Timestamp ts(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }
}
