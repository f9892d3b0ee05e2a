package io.coffer.agent.channel;

import io.coffer.agent.config.AgentConfig;
import io.coffer.agent.identity.AgentKeyManager;
import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the agent's gRPC channel to the control: TLS 1.3 with the agent's client certificate. */
final class ChannelFactory {
  private static final Logger log = LoggerFactory.getLogger(ChannelFactory.class);

  private ChannelFactory() {}

  /**
   * Builds the channel and starts connecting on a thread of its own: loading TLS and Netty and the
   * handshake with the control take about a third of the agent's start, and need nothing the rest
   * of the start prepares. Completes exceptionally with an {@link UncheckedIOException} when the
   * TLS files cannot be loaded.
   */
  static CompletableFuture<ManagedChannel> dial(AgentConfig.Control control, AgentKeyManager keys) {
    CompletableFuture<ManagedChannel> dialed = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                ManagedChannel channel = create(control, keys);
                channel.getState(true); // connect now, before the first stream asks for it
                dialed.complete(channel);
              } catch (IOException e) {
                dialed.completeExceptionally(new UncheckedIOException(e));
              } catch (RuntimeException | Error e) {
                dialed.completeExceptionally(e);
              }
            },
            "coffer-dial");
    t.setDaemon(true);
    t.start();
    return dialed;
  }

  /**
   * @param keys the agent's certificate and key, read at every handshake: a renewed certificate is
   *     presented from the next connection on, without rebuilding the channel
   */
  /**
   * No TLS session resumption: a resumed session carries the certificate of the handshake it
   * resumes, so a connection made after a renewal would still present the old one.
   */
  private static void fullHandshakes(SslContext ssl) {
    if (ssl.sessionContext() instanceof OpenSslSessionContext openSsl) {
      openSsl.setSessionCacheEnabled(false);
    } else {
      ssl.sessionContext().setSessionTimeout(1); // the JDK's TLS: no resumption after 1 s
    }
  }

  static ManagedChannel create(AgentConfig.Control control, AgentKeyManager keys)
      throws IOException {
    SslContext ssl;
    try {
      ssl =
          GrpcSslContexts.forClient()
              .trustManager(control.caFile().toFile())
              .keyManager(keys)
              .protocols("TLSv1.3")
              .build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IOException(
          "cannot load the agent's TLS trust anchor " + control.caFile() + ": " + e.getMessage(),
          e);
    }
    fullHandshakes(ssl);
    // gRPC falls back, silently, to the JDK's slower TLS when BoringSSL cannot load (for one,
    // when its library cannot be unpacked): say which one this agent got
    if (ssl instanceof ReferenceCountedOpenSslContext) {
      log.info("TLS to the control by {}", OpenSsl.versionString());
    } else {
      log.warn(
          "TLS to the control by the JDK: BoringSSL is unavailable ({})",
          OpenSsl.unavailabilityCause());
    }
    return NettyChannelBuilder.forAddress(control.host(), control.port())
        .sslContext(ssl)
        // A silently dead connection is noticed within ~12 s: 10 s is grpc-java's minimum client
        // keepalive interval. The control pings less often (30 s), because every ping it sends
        // counts as traffic and would postpone this check.
        .keepAliveTime(10, TimeUnit.SECONDS)
        .keepAliveTimeout(2, TimeUnit.SECONDS)
        .keepAliveWithoutCalls(true)
        // frame handlers never block (jobs and journal writes run on other schedulers)
        .directExecutor()
        .build();
  }
}
