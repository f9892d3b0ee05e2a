package io.coffer.bench;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.ByteString;
import io.coffer.proto.v1.CommandOptions;
import io.coffer.proto.v1.DiagnosticsServiceGrpc;
import io.coffer.proto.v1.NoopRequest;
import io.coffer.proto.v1.PingRequest;
import io.grpc.Channel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Coffer's diagnostics calls through the control's northbound API, shaped as {@link Call}s. */
final class CofferCalls {
  private CofferCalls() {}

  /**
   * Ping: read-only round trip to the agent. No command id, as a read-only caller would send it
   * (the control then makes one up).
   */
  static Call ping(Channel channel, String instanceId, byte[] payload, long deadlineMillis) {
    PingRequest request =
        PingRequest.newBuilder()
            .setInstanceId(instanceId)
            .setPayload(ByteString.copyFrom(payload))
            .build();
    return new Call() {
      @Override
      public void blocking() {
        DiagnosticsServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)
            .ping(request);
      }

      @Override
      public ListenableFuture<?> async() {
        return DiagnosticsServiceGrpc.newFutureStub(channel)
            .withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)
            .ping(request);
      }
    };
  }

  /**
   * Noop: a journaled mutation. Every call carries a fresh command id; re-using one would only
   * replay the stored outcome and skip both journals.
   */
  static Call noop(Channel channel, String instanceId, String runId, long deadlineMillis) {
    AtomicLong sequence = new AtomicLong();
    return new Call() {
      @Override
      public void blocking() {
        DiagnosticsServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)
            .noop(next());
      }

      @Override
      public ListenableFuture<?> async() {
        return DiagnosticsServiceGrpc.newFutureStub(channel)
            .withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)
            .noop(next());
      }

      private NoopRequest next() {
        return NoopRequest.newBuilder()
            .setInstanceId(instanceId)
            .setOptions(
                CommandOptions.newBuilder()
                    .setCommandId("bench-" + runId + "-" + sequence.incrementAndGet()))
            .build();
      }
    };
  }
}
