package io.coffer.control.ca;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * Reads the PKCS#10 certification requests agents send at enrollment and renewal (RFC 2986), with
 * Bouncy Castle: one PEM request, at most {@link #MAX_BYTES}, whose signature verifies with the key
 * it carries (so the sender holds that key).
 */
public final class CertificationRequests {
  /** A P-256 request is about 500 bytes; 8 KiB leaves room for RSA keys and nothing more. */
  public static final int MAX_BYTES = 8 << 10;

  private CertificationRequests() {}

  /**
   * @throws IllegalArgumentException saying what is wrong with {@code pem}, for an INVALID_ARGUMENT
   *     that names the field
   */
  public static PKCS10CertificationRequest parse(String pem) {
    if (pem.isEmpty()) {
      throw new IllegalArgumentException("is required");
    }
    if (pem.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      throw new IllegalArgumentException("must be at most " + MAX_BYTES + " bytes");
    }
    Object parsed;
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      parsed = parser.readObject();
      if (parser.readObject() != null) {
        throw new IllegalArgumentException("must hold one certification request only");
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException i) {
        throw i;
      }
      throw new IllegalArgumentException("is not PEM: " + e.getMessage(), e);
    }
    if (!(parsed instanceof PKCS10CertificationRequest csr)) {
      throw new IllegalArgumentException("is not a PKCS#10 certification request");
    }
    boolean valid;
    try {
      valid =
          csr.isSignatureValid(
              new JcaContentVerifierProviderBuilder()
                  .build(new JcaPKCS10CertificationRequest(csr).getPublicKey()));
    } catch (OperatorCreationException | PKCSException | GeneralSecurityException e) {
      throw new IllegalArgumentException("is unusable: " + e.getMessage(), e);
    }
    if (!valid) {
      throw new IllegalArgumentException("its signature does not verify");
    }
    return csr;
  }
}
