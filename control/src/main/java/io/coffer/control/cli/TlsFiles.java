package io.coffer.control.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
   * Whether the client certificate's chain (the certificates of its file, leaf first) leads to a
   * certificate of the CA bundle; an expired or not yet valid certificate still counts as issued by
   * it (false when unreadable).
   */
  boolean clientCertIssuedByCa() {
    if (clientCert == null) {
      return true;
    }
    try (InputStream certIn = Files.newInputStream(clientCert);
        InputStream caIn = Files.newInputStream(caFile)) {
      CertificateFactory x509 = CertificateFactory.getInstance("X.509");
      List<Certificate> chain = new ArrayList<>(x509.generateCertificates(certIn));
      Set<TrustAnchor> anchors = new HashSet<>();
      for (Certificate ca : x509.generateCertificates(caIn)) {
        anchors.add(new TrustAnchor((X509Certificate) ca, null));
      }
      // a trust anchor inside the chain would end the path early: leave it out
      chain.removeIf(c -> anchors.stream().anyMatch(a -> a.getTrustedCert().equals(c)));
      if (chain.isEmpty() || anchors.isEmpty()) {
        return false;
      }
      PKIXParameters parameters = new PKIXParameters(anchors);
      parameters.setRevocationEnabled(false);
      try {
        CertPathValidator.getInstance("PKIX").validate(x509.generateCertPath(chain), parameters);
        return true;
      } catch (CertPathValidatorException e) {
        return e.getReason() == CertPathValidatorException.BasicReason.EXPIRED
            || e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID;
      }
    } catch (IOException | GeneralSecurityException | ClassCastException e) {
      return false;
    }
  }
}
