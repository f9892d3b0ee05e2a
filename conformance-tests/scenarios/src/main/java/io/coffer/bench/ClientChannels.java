package io.coffer.bench;

import io.coffer.tck.Testbed;
import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The benchmark's client side, identical for the baseline and for Coffer so that only the server
 * side differs: TLS 1.3 with a client certificate, one HTTP/2 connection, and callbacks run on the
 * Netty event loop (direct executor) because the load runner's callbacks never block.
 */
final class ClientChannels {
  private ClientChannels() {}

  /** Authenticated as the Testbed's admin client. */
  static ManagedChannel admin(Testbed bed, int port) throws IOException {
    return open(
        port, bed.home().caCert(), bed.home().clientCert("admin"), bed.home().clientKey("admin"));
  }

  static ManagedChannel open(int port, Path ca, Path cert, Path key) throws IOException {
    return NettyChannelBuilder.forAddress("localhost", port)
        .sslContext(
            GrpcSslContexts.forClient()
                .trustManager(ca.toFile())
                .keyManager(cert.toFile(), key.toFile())
                .protocols("TLSv1.3")
                .build())
        .directExecutor()
        .build();
  }
}
