package io.coffer.agent.identity;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * The agent's certificate chain and private key: made (EC P-256 keys, PKCS#10 requests), read and
 * written as PEM with Bouncy Castle, in the formats Netty reads ({@code control.certFile}: the
 * certificate, then its issuing CA; {@code control.keyFile}: PKCS#8).
 *
 * @param chain leaf first
 */
public record KeyMaterial(List<X509Certificate> chain, PrivateKey key) {
  private static final SecureRandom RANDOM = new SecureRandom();

  public KeyMaterial {
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("a certificate chain needs at least its leaf");
    }
  }

  /** The agent's own certificate. */
  public X509Certificate leaf() {
    return chain.get(0);
  }

  /**
   * Reads {@code certFile} and {@code keyFile}.
   *
   * @throws IOException when a file cannot be read or holds no certificate / no private key
   */
  public static KeyMaterial read(Path certFile, Path keyFile) throws IOException {
    List<X509Certificate> chain;
    try (InputStream in = Files.newInputStream(certFile)) {
      chain = certificates(in);
    }
    if (chain.isEmpty()) {
      throw new IOException(certFile + " holds no certificate");
    }
    try (Reader in = Files.newBufferedReader(keyFile)) {
      return new KeyMaterial(chain, privateKey(in, keyFile.toString()));
    }
  }

  /** The certificates of a PEM chain, in order. */
  public static List<X509Certificate> parseChain(String pem) throws IOException {
    return certificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
  }

  private static List<X509Certificate> certificates(InputStream in) throws IOException {
    try {
      List<X509Certificate> chain = new ArrayList<>();
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        chain.add((X509Certificate) c);
      }
      return chain;
    } catch (CertificateException e) {
      throw new IOException("not a PEM certificate chain: " + e.getMessage(), e);
    }
  }

  private static PrivateKey privateKey(Reader in, String source) throws IOException {
    try (PEMParser parser = new PEMParser(in)) {
      Object o = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (o instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (o instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
      throw new IOException(source + " holds no unencrypted private key");
    }
  }

  /** A new EC P-256 key pair, made here. */
  public static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot make EC P-256 keys", e);
    }
  }

  /** A PEM PKCS#10 request for {@code keys}, subject CN=instance, signed with its private key. */
  public static String certificationRequest(String instance, KeyPair keys) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
      pem.writeObject(
          new JcaPKCS10CertificationRequestBuilder(
                  new X500Principal("CN=" + instance), keys.getPublic())
              .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    } catch (IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot make a certification request", e);
    }
    return out.toString();
  }

  /** The chain as PEM, leaf first. */
  public String chainPem() {
    return pem(chain.toArray());
  }

  /** The private key as PKCS#8 PEM. */
  public String keyPem() {
    try {
      return pem(new JcaPKCS8Generator(key, null).generate());
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode the private key", e);
    }
  }

  private static String pem(Object... objects) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
      for (Object o : objects) {
        pem.writeObject(o);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode PEM", e);
    }
    return out.toString();
  }

  /** Whether {@code key} is the private half of {@code publicKey} (signs a challenge with it). */
  public static boolean pairs(PrivateKey key, PublicKey publicKey) {
    try {
      byte[] challenge = new byte[32];
      RANDOM.nextBytes(challenge);
      String algorithm = "EC".equals(key.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
