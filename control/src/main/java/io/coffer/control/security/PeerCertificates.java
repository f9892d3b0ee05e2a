package io.coffer.control.security;

import io.grpc.Grpc;
import io.grpc.ServerCall;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/** Reads the verified client certificate of a call (TLS already checked it against the CA). */
final class PeerCertificates {
  private PeerCertificates() {}

  static Optional<Identity> identity(ServerCall<?, ?> call) {
    return leaf(call).flatMap(Identity::of);
  }

  /** The caller's own certificate, first of its verified chain. */
  static Optional<X509Certificate> leaf(ServerCall<?, ?> call) {
    SSLSession ssl = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    if (ssl == null) {
      return Optional.empty();
    }
    try {
      Certificate[] chain = ssl.getPeerCertificates();
      if (chain.length > 0 && chain[0] instanceof X509Certificate leaf) {
        return Optional.of(leaf);
      }
    } catch (SSLPeerUnverifiedException e) {
      // no client certificate presented
    }
    return Optional.empty();
  }
}
