package io.coffer.bench;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.netty.handler.ssl.ClientAuth;
import java.io.File;
import java.net.InetSocketAddress;

/**
 * The baseline server, run in its own JVM: a grpc-java server with the control's TLS setup (TLS 1.3
 * only, client certificate required and verified against the Coffer CA, and the same direct
 * executor the control uses, so the baseline is raw gRPC at its best) that echoes each request.
 *
 * <p>Usage: {@code RawEchoServer PORT CERT KEY CA}. Exits when its parent process exits, so that a
 * benchmark killed with SIGKILL does not leave it behind.
 */
public final class RawEchoServer {
  private RawEchoServer() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: RawEchoServer PORT CERT KEY CA");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    ServerServiceDefinition echo =
        ServerServiceDefinition.builder(RawEcho.SERVICE)
            .addMethod(
                RawEcho.ECHO,
                ServerCalls.asyncUnaryCall(
                    (byte[] request, StreamObserver<byte[]> out) -> {
                      out.onNext(request);
                      out.onCompleted();
                    }))
            .build();
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
            .sslContext(
                GrpcSslContexts.forServer(new File(args[1]), new File(args[2]))
                    .trustManager(new File(args[3]))
                    .clientAuth(ClientAuth.REQUIRE)
                    .protocols("TLSv1.3")
                    .build())
            .addService(echo)
            .directExecutor()
            .build()
            .start();
    System.out.println("raw echo server listening on 127.0.0.1:" + port);
    ProcessHandle.current()
        .parent()
        .ifPresent(p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
    Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow, "echo-shutdown"));
    server.awaitTermination();
  }
}
