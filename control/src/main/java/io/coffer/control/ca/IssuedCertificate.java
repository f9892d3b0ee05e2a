package io.coffer.control.ca;

import java.nio.file.Path;
import java.security.cert.X509Certificate;

/**
 * A certificate the CA issued and wrote out.
 *
 * @param certificateChain PEM file holding the leaf certificate followed by the CA certificate
 * @param privateKey PEM file holding the leaf's unencrypted PKCS#8 private key (mode 0600)
 * @param certificate the leaf certificate
 */
public record IssuedCertificate(
    Path certificateChain, Path privateKey, X509Certificate certificate) {}
