package io.coffer.control.northbound;

import io.coffer.control.status.ApiErrors;
import io.coffer.proto.v1.CommandReply;
import io.coffer.proto.v1.DiagnosticsServiceGrpc;
import io.coffer.proto.v1.Noop;
import io.coffer.proto.v1.NoopRequest;
import io.coffer.proto.v1.Operation;
import io.coffer.proto.v1.Ping;
import io.coffer.proto.v1.PingRequest;
import io.coffer.proto.v1.PingResponse;
import io.grpc.stub.StreamObserver;

/** Round trips through the agent channel, without touching any datastore. */
public final class DiagnosticsServiceImpl
    extends DiagnosticsServiceGrpc.DiagnosticsServiceImplBase {
  private static final int MAX_PAYLOAD = 1 << 20;
  private final AgentCalls calls;

  DiagnosticsServiceImpl(AgentCalls calls) {
    this.calls = calls;
  }

  @Override
  public void ping(PingRequest r, StreamObserver<PingResponse> out) {
    MonoReplies.reply(
        () -> {
          if (r.getPayload().size() > MAX_PAYLOAD) {
            throw ApiErrors.invalidArgument("payload", "must be at most 1 MiB");
          }
          return calls
              .call(
                  r.getInstanceId(),
                  r.getOptions(),
                  Operation.newBuilder()
                      .setPing(Ping.newBuilder().setPayload(r.getPayload()))
                      .build())
              .map(
                  o ->
                      PingResponse.newBuilder()
                          .setAgentTimeMillis(o.result().getPong().getAgentTimeMillis())
                          .setPayload(o.result().getPong().getPayload())
                          .build());
        },
        out);
  }

  @Override
  public void noop(NoopRequest r, StreamObserver<CommandReply> out) {
    MonoReplies.reply(
        () ->
            calls
                .call(
                    r.getInstanceId(),
                    r.getOptions(),
                    Operation.newBuilder().setNoop(Noop.getDefaultInstance()).build())
                .map(o -> CommandReply.newBuilder().setCommandId(o.commandId()).build()),
        out);
  }
}
