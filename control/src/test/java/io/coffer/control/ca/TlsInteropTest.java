package io.coffer.control.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.control.security.Identity;
import io.coffer.proto.v1.CommandServiceGrpc;
import io.coffer.proto.v1.CommandStatus;
import io.coffer.proto.v1.GetCommandRequest;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The files the CA writes are what Netty (JDK and OpenSSL providers) loads for mutual TLS 1.3. */
class TlsInteropTest {

  private static final Context.Key<String> PEER = Context.key("peer");

  @TempDir Path tmp;
  CofferHome home;
  CertificateAuthority ca;
  Server server;

  @BeforeEach
  void issue() {
    home = new CofferHome(tmp.resolve("home"));
    ca = CertificateAuthority.create(home.caCert(), home.caKey());
    ca.issueServer(
        "coffer-control",
        List.of("localhost"),
        List.of("127.0.0.1", "::1"),
        Duration.ofDays(1),
        home.controlCert(),
        home.controlKey());
    ca.issueClient("admin", Duration.ofDays(1), home.clientCert("admin"), home.clientKey("admin"));
    ca.issueAgent("db-1", Duration.ofDays(1), home.agentCert("db-1"), home.agentKey("db-1"));
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void sslContextsBuildFromTheFiles() throws Exception {
    SslContext serverContext =
        GrpcSslContexts.forServer(home.controlCert().toFile(), home.controlKey().toFile())
            .trustManager(home.caCert().toFile())
            .clientAuth(ClientAuth.REQUIRE)
            .protocols("TLSv1.3")
            .build();
    assertThat(serverContext.isServer()).isTrue();
    SslContext clientContext =
        GrpcSslContexts.forClient()
            .trustManager(home.caCert().toFile())
            .keyManager(home.agentCert("db-1").toFile(), home.agentKey("db-1").toFile())
            .protocols("TLSv1.3")
            .build();
    assertThat(clientContext.isClient()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(
      value = SslProvider.class,
      names = {"JDK", "OPENSSL"})
  void mutualTls13HandshakeCarriesTheClientIdentity(SslProvider provider) throws Exception {
    Assumptions.assumeTrue(
        provider == SslProvider.JDK || OpenSsl.isAvailable(), "OpenSSL not available");
    startServer(provider);

    assertThat(call(provider, home.clientCert("admin").toFile(), home.clientKey("admin").toFile()))
        .isEqualTo("coffer://client/admin TLSv1.3");
    assertThat(call(provider, home.agentCert("db-1").toFile(), home.agentKey("db-1").toFile()))
        .isEqualTo("coffer://instance/db-1 TLSv1.3");
  }

  @Test
  void certificatesOfAnotherCaAreRefused() throws Exception {
    startServer(SslProvider.JDK);
    CofferHome other = new CofferHome(tmp.resolve("other"));
    CertificateAuthority.create(other.caCert(), other.caKey())
        .issueClient(
            "admin", Duration.ofDays(1), other.clientCert("admin"), other.clientKey("admin"));
    assertThatThrownBy(
            () ->
                call(
                    SslProvider.JDK,
                    other.clientCert("admin").toFile(),
                    other.clientKey("admin").toFile()))
        .isInstanceOf(StatusRuntimeException.class)
        .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode())
        .isEqualTo(Status.Code.UNAVAILABLE);
  }

  private void startServer(SslProvider provider) throws Exception {
    SslContext context =
        GrpcSslContexts.configure(
                SslContextBuilder.forServer(
                    home.controlCert().toFile(), home.controlKey().toFile()),
                provider)
            .trustManager(home.caCert().toFile())
            .clientAuth(ClientAuth.REQUIRE)
            .protocols("TLSv1.3")
            .build();
    ServerInterceptor identity =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
            String peer;
            try {
              X509Certificate leaf = (X509Certificate) session.getPeerCertificates()[0];
              peer =
                  Identity.of(leaf).map(id -> id.uri().toString()).orElse("?")
                      + " "
                      + session.getProtocol();
            } catch (Exception e) {
              peer = "error: " + e;
            }
            return Contexts.interceptCall(
                Context.current().withValue(PEER, peer), call, headers, next);
          }
        };
    CommandServiceGrpc.CommandServiceImplBase service =
        new CommandServiceGrpc.CommandServiceImplBase() {
          @Override
          public void getCommand(
              GetCommandRequest request, StreamObserver<CommandStatus> response) {
            response.onNext(
                CommandStatus.newBuilder()
                    .setCommandId(request.getCommandId())
                    .setOperation(PEER.get())
                    .build());
            response.onCompleted();
          }
        };
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .sslContext(context)
            .addService(ServerInterceptors.intercept(service, identity))
            .build()
            .start();
  }

  private String call(SslProvider provider, File cert, File key) throws Exception {
    SslContext context =
        GrpcSslContexts.configure(SslContextBuilder.forClient(), provider)
            .trustManager(home.caCert().toFile())
            .keyManager(cert, key)
            .protocols("TLSv1.3")
            .build();
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).sslContext(context).build();
    try {
      return CommandServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .getCommand(GetCommandRequest.newBuilder().setCommandId("c1").build())
          .getOperation();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
