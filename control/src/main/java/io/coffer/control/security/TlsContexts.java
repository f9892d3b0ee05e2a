package io.coffer.control.security;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedKeyManager;

/** Server TLS for the control: TLS 1.3 only, client certificates verified against the Coffer CA. */
public final class TlsContexts {
  private TlsContexts() {}

  /**
   * @param certificate the control's own certificate and key (a key manager that reloads them when
   *     they change)
   * @param clientAuth REQUIRE for the agent gateway (no certificate, no handshake); OPTIONAL for
   *     the northbound API, where a bearer token may stand in for a certificate
   */
  public static SslContext server(
      X509ExtendedKeyManager certificate, Path caFile, ClientAuth clientAuth) throws IOException {
    if (!Files.isReadable(caFile)) {
      throw new IOException(caFile + " is missing or unreadable; run `coffer certs init` first");
    }
    try {
      SslContext context =
          GrpcSslContexts.configure(SslContextBuilder.forServer(certificate))
              .trustManager(caFile.toFile())
              .clientAuth(clientAuth)
              .protocols("TLSv1.3")
              .build();
      // No session resumption: a resumed session carries the client certificate of the handshake
      // it resumes, so an agent that renewed its certificate would be seen with the old one.
      // Agents and callers connect rarely; a full handshake each time costs nothing noticeable.
      if (context.sessionContext() instanceof OpenSslSessionContext openSsl) {
        openSsl.setSessionCacheEnabled(false);
      } else {
        context.sessionContext().setSessionTimeout(1); // the JDK's TLS: no resumption after 1 s
      }
      return context;
    } catch (SSLException | IllegalArgumentException e) {
      throw new IOException("cannot load the CA file " + caFile + ": " + e.getMessage(), e);
    }
  }
}
