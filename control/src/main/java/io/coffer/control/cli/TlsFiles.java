package io.coffer.control.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;

/**
 * The files a connection to the control was set up with, to tell which side of a failed TLS
 * handshake is at fault: the control's certificate (not issued by the CA the CLI trusts) or the
 * client's own (not issued by that CA, so the control refuses it).
 *
 * @param caFile the CA bundle the CLI trusts the control with
 * @param clientCert the client certificate presented, or null (bearer token)
 */
record TlsFiles(Path caFile, Path clientCert) {

  /**
   * Whether the client certificate is signed by a certificate of the CA bundle (false when
   * unreadable).
   */
  boolean clientCertIssuedByCa() {
    if (clientCert == null) {
      return true;
    }
    try (InputStream certIn = Files.newInputStream(clientCert);
        InputStream caIn = Files.newInputStream(caFile)) {
      CertificateFactory x509 = CertificateFactory.getInstance("X.509");
      X509Certificate cert = (X509Certificate) x509.generateCertificate(certIn);
      Collection<? extends Certificate> cas = x509.generateCertificates(caIn);
      for (Certificate ca : cas) {
        try {
          cert.verify(ca.getPublicKey());
          return true;
        } catch (GeneralSecurityException notThisOne) {
          // try the next certificate of the bundle
        }
      }
      return false;
    } catch (IOException | GeneralSecurityException | ClassCastException e) {
      return false;
    }
  }
}
