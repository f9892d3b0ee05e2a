package io.coffer.bench;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/**
 * The baseline's wire contract: one unary method carrying raw bytes, so that the baseline pays for
 * gRPC, HTTP/2 and TLS but for no protobuf schema and no application logic.
 */
final class RawEcho {
  static final String SERVICE = "coffer.bench.Echo";

  static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  static final MethodDescriptor<byte[], byte[]> ECHO =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Echo"))
          .setRequestMarshaller(BYTES)
          .setResponseMarshaller(BYTES)
          .build();

  private RawEcho() {}

  /** Echo calls on {@code channel}, each with the same deadline the Coffer calls get. */
  static Call call(Channel channel, byte[] payload, long deadlineMillis) {
    return new Call() {
      @Override
      public void blocking() {
        ClientCalls.blockingUnaryCall(channel, ECHO, options(), payload);
      }

      @Override
      public ListenableFuture<?> async() {
        return ClientCalls.futureUnaryCall(channel.newCall(ECHO, options()), payload);
      }

      private CallOptions options() {
        return CallOptions.DEFAULT.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
      }
    };
  }
}
