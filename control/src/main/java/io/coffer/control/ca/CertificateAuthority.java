package io.coffer.control.ca;

import io.coffer.control.security.Identity;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.util.IPAddress;

/**
 * Coffer's certificate authority: an ECDSA P-256 CA kept in two PEM files (see {@link CofferHome}),
 * issuing leaf certificates for the control's server endpoint, for agents ({@code
 * coffer://instance/ID}) and for northbound clients ({@code coffer://client/NAME}). It is either an
 * issuing CA under an offline-able root ({@link #createHierarchy}) or, in older homes and in tests,
 * a self-signed CA issuing directly ({@link #create}).
 *
 * <p>Every leaf gets a fresh P-256 key, keyUsage digitalSignature, one extended key usage, subject
 * and authority key identifiers, and is written as a PEM chain (leaf, then the issuing CA) next to
 * an unencrypted PKCS#8 PEM key of mode 0600: the formats Netty's {@code SslContextBuilder} reads.
 * Nothing is ever overwritten.
 *
 * <p>Only the JDK's own providers are used; Bouncy Castle serves as a library, it is not registered
 * as a JCA provider. Instances are thread-safe.
 */
public final class CertificateAuthority {

  /** Validity of a leaf certificate when the caller has no opinion. */
  public static final Duration DEFAULT_LEAF_VALIDITY = Duration.ofDays(90);

  /** Validity of a new CA certificate. */
  public static final Duration CA_VALIDITY = Duration.ofDays(3653);

  public static final String CA_COMMON_NAME = "Coffer Development CA";

  public static final String ROOT_COMMON_NAME = "Coffer Root CA";

  public static final String ISSUING_COMMON_NAME = "Coffer Issuing CA";

  static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";

  /**
   * Certificates start this long in the past, so that a guest whose clock lags a bit accepts them.
   */
  static final Duration BACKDATE = Duration.ofMinutes(5);

  /** A host name or wildcard host name, as written in a DNS subject alternative name. */
  private static final Pattern DNS_NAME =
      Pattern.compile(
          "(\\*\\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");

  private static final SecureRandom RANDOM = new SecureRandom();

  private final X509Certificate certificate;
  private final PrivateKey privateKey;
  private final Path certificateFile;

  private CertificateAuthority(
      X509Certificate certificate, PrivateKey privateKey, Path certificateFile) {
    this.certificate = certificate;
    this.privateKey = privateKey;
    this.certificateFile = certificateFile;
  }

  /**
   * Creates a new self-signed CA and writes it to {@code caCert} (PEM certificate) and {@code
   * caKey} (PKCS#8 PEM, mode 0600), creating missing directories with mode 0700. The CA issues leaf
   * certificates itself (one tier); {@link #createHierarchy} makes the two-tier PKI that {@code
   * coffer certs init} sets up.
   *
   * @throws CertificateAuthorityException when either file exists already, or on any write failure
   */
  public static CertificateAuthority create(Path caCert, Path caKey) {
    refuseExisting(caCert, caKey);
    KeyPair keys = newKeyPair();
    X509Certificate ca =
        caCertificate(CA_COMMON_NAME, keys.getPublic(), null, keys.getPrivate(), 0);
    writeCa(ca, keys.getPrivate(), caCert, caKey);
    return new CertificateAuthority(ca, keys.getPrivate(), caCert);
  }

  /**
   * Creates a root CA in {@code home}'s {@code ca/ca.pem} and {@code ca/ca.key}, and an issuing
   * (intermediate) CA signed by it in {@code ca/issuing.pem} and {@code ca/issuing.key}; returns
   * the issuing CA. Agents and clients trust the root ({@code ca/ca.pem}); leaf certificates are
   * signed by the issuing CA and sent with it as their chain, so the control needs only {@code
   * ca/issuing.key} and the root key can be moved offline (it is needed again only to make a new
   * issuing CA). Path lengths: root 1, issuing 0.
   *
   * @throws CertificateAuthorityException when any of the four files exists, or on a write failure
   *     (then none is left behind)
   */
  public static CertificateAuthority createHierarchy(CofferHome home) {
    refuseExisting(home.caCert(), home.caKey(), home.issuingCert(), home.issuingKey());
    KeyPair rootKeys = newKeyPair();
    X509Certificate root =
        caCertificate(ROOT_COMMON_NAME, rootKeys.getPublic(), null, rootKeys.getPrivate(), 1);
    KeyPair issuingKeys = newKeyPair();
    X509Certificate issuing =
        caCertificate(ISSUING_COMMON_NAME, issuingKeys.getPublic(), root, rootKeys.getPrivate(), 0);
    writeCa(root, rootKeys.getPrivate(), home.caCert(), home.caKey());
    try {
      writeCa(issuing, issuingKeys.getPrivate(), home.issuingCert(), home.issuingKey());
    } catch (RuntimeException e) {
      Pem.deleteQuietly(home.caCert());
      Pem.deleteQuietly(home.caKey());
      throw e;
    }
    return new CertificateAuthority(issuing, issuingKeys.getPrivate(), home.issuingCert());
  }

  /**
   * The CA that issues certificates in {@code home}: the issuing CA when {@code ca/issuing.key}
   * exists, else the one-tier CA of {@code ca/ca.pem} and {@code ca/ca.key} (homes made before the
   * hierarchy), else none (the issuing key is kept elsewhere).
   *
   * @throws CertificateAuthorityException when the files are there but unusable
   */
  public static Optional<CertificateAuthority> issuer(CofferHome home) {
    if (Files.exists(home.issuingKey())) {
      return Optional.of(load(home.issuingCert(), home.issuingKey()));
    }
    if (Files.exists(home.caKey())) {
      return Optional.of(load(home.caCert(), home.caKey()));
    }
    return Optional.empty();
  }

  private static void refuseExisting(Path... files) {
    for (Path existing : files) {
      Objects.requireNonNull(existing);
      if (Files.exists(existing)) {
        throw new CertificateAuthorityException(
            "a CA file already exists at " + existing + "; refusing to overwrite it");
      }
    }
  }

  /**
   * A CA certificate for {@code key}, signed by {@code issuer}'s key {@code signingKey}, or
   * self-signed when {@code issuer} is null; {@code pathLength} CAs may follow it in a chain.
   */
  private static X509Certificate caCertificate(
      String commonName,
      PublicKey key,
      X509Certificate issuer,
      PrivateKey signingKey,
      int pathLength) {
    Instant now = Instant.now();
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    Instant notAfter = now.plus(CA_VALIDITY);
    if (issuer != null && notAfter.isAfter(issuer.getNotAfter().toInstant())) {
      notAfter = issuer.getNotAfter().toInstant();
    }
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  issuer == null
                      ? subject
                      : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded()),
                  serial(),
                  Date.from(now.minus(BACKDATE)),
                  Date.from(notAfter),
                  subject,
                  key)
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(pathLength))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(
                  Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(key))
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  issuer == null
                      ? extensions.createAuthorityKeyIdentifier(key)
                      : extensions.createAuthorityKeyIdentifier(issuer));
      return sign(builder, signingKey);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot build the CA certificate " + commonName, e);
    }
  }

  private static void writeCa(X509Certificate ca, PrivateKey key, Path certFile, Path keyFile) {
    Pem.writeNew(keyFile, Pem.encodePrivateKey(key), true);
    try {
      Pem.writeNew(certFile, Pem.encodeCertificates(List.of(ca)), false);
    } catch (RuntimeException e) {
      Pem.deleteQuietly(keyFile);
      throw e;
    }
  }

  /**
   * Loads an existing CA.
   *
   * @throws CertificateAuthorityException when a file is missing or unreadable, the certificate is
   *     not a CA certificate, or the key does not belong to it
   */
  public static CertificateAuthority load(Path caCert, Path caKey) {
    Objects.requireNonNull(caCert, "caCert");
    Objects.requireNonNull(caKey, "caKey");
    X509Certificate ca = Pem.readCertificates(caCert).get(0);
    PrivateKey key = Pem.readPrivateKey(caKey);
    if (ca.getBasicConstraints() < 0) {
      throw new CertificateAuthorityException("certificate " + caCert + " is not a CA certificate");
    }
    if (!matches(key, ca.getPublicKey())) {
      throw new CertificateAuthorityException(
          "key " + caKey + " does not belong to the CA certificate " + caCert);
    }
    return new CertificateAuthority(ca, key, caCert);
  }

  /** The CA certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /**
   * The PEM file the CA certificate was created in or loaded from: the trust anchor to distribute.
   */
  public Path certificateFile() {
    return certificateFile;
  }

  /**
   * Issues a TLS server certificate (extended key usage serverAuth).
   *
   * @param commonName subject CN, a host-name-like string (e.g. {@code coffer-control})
   * @param dnsNames DNS subject alternative names (wildcards allowed)
   * @param ipAddresses IP subject alternative names, IPv4 or IPv6 literals
   * @param validity from now; clipped to the CA's own expiry
   * @throws IllegalArgumentException for a malformed name or address, or a non-positive validity
   * @throws CertificateAuthorityException when an output file exists or cannot be written
   */
  public IssuedCertificate issueServer(
      String commonName,
      List<String> dnsNames,
      List<String> ipAddresses,
      Duration validity,
      Path certOut,
      Path keyOut) {
    if (commonName == null || !DNS_NAME.matcher(commonName).matches() || commonName.length() > 64) {
      throw new IllegalArgumentException(
          "'"
              + commonName
              + "' is not a valid server common name: "
              + "a host name of a-z, 0-9, '-' and '.', at most 64 characters");
    }
    List<GeneralName> sans = new ArrayList<>();
    for (String dns : dnsNames) {
      if (dns == null || dns.length() > 253 || !DNS_NAME.matcher(dns).matches()) {
        throw new IllegalArgumentException("'" + dns + "' is not a valid DNS name");
      }
      sans.add(new GeneralName(GeneralName.dNSName, dns));
    }
    for (String ip : ipAddresses) {
      if (ip == null || !IPAddress.isValid(ip)) {
        throw new IllegalArgumentException("'" + ip + "' is not an IPv4 or IPv6 address");
      }
      sans.add(new GeneralName(GeneralName.iPAddress, ip));
    }
    if (sans.isEmpty()) {
      throw new IllegalArgumentException(
          "a server certificate needs at least one DNS name or IP address");
    }
    return issueToFiles(commonName, sans, KeyPurposeId.id_kp_serverAuth, validity, certOut, keyOut);
  }

  /**
   * Issues an agent certificate: CN = instance id, SAN URI {@code coffer://instance/ID}, extended
   * key usage clientAuth.
   *
   * @throws IllegalArgumentException when {@code instanceId} does not match {@link Identity#NAME}
   */
  public IssuedCertificate issueAgent(
      String instanceId, Duration validity, Path certOut, Path keyOut) {
    Identity identity = Identity.agent(instanceId);
    return issueToFiles(
        instanceId,
        List.of(uri(identity)),
        KeyPurposeId.id_kp_clientAuth,
        validity,
        certOut,
        keyOut);
  }

  /**
   * Issues a northbound client certificate: CN = name, SAN URI {@code coffer://client/NAME},
   * extended key usage clientAuth.
   *
   * @throws IllegalArgumentException when {@code name} does not match {@link Identity#NAME}
   */
  public IssuedCertificate issueClient(String name, Duration validity, Path certOut, Path keyOut) {
    Identity identity = Identity.client(name);
    return issueToFiles(
        name, List.of(uri(identity)), KeyPurposeId.id_kp_clientAuth, validity, certOut, keyOut);
  }

  /**
   * Certifies an agent key received in a PKCS#10 request (enrollment, rotation): same certificate
   * as {@link #issueAgent}, but the key stays with the agent. Whatever subject and extensions the
   * request asks for are ignored.
   *
   * @return the chain, leaf first, then the CA certificate
   * @throws IllegalArgumentException when the instance id is invalid or the request's signature
   *     does not verify (the requester does not hold the key)
   */
  public List<X509Certificate> certifyAgent(
      String instanceId, PKCS10CertificationRequest csr, Duration validity) {
    Identity identity = Identity.agent(instanceId);
    PublicKey key;
    try {
      JcaPKCS10CertificationRequest request = new JcaPKCS10CertificationRequest(csr);
      key = request.getPublicKey();
      if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
        throw new IllegalArgumentException("the certification request's signature does not verify");
      }
    } catch (GeneralSecurityException | OperatorCreationException | PKCSException e) {
      throw new IllegalArgumentException("unusable certification request: " + e.getMessage(), e);
    }
    X509Certificate leaf =
        issue(instanceId, List.of(uri(identity)), KeyPurposeId.id_kp_clientAuth, validity, key);
    return List.of(leaf, certificate);
  }

  private IssuedCertificate issueToFiles(
      String commonName,
      List<GeneralName> sans,
      KeyPurposeId purpose,
      Duration validity,
      Path certOut,
      Path keyOut) {
    Objects.requireNonNull(certOut, "certOut");
    Objects.requireNonNull(keyOut, "keyOut");
    if (certOut.toAbsolutePath().normalize().equals(keyOut.toAbsolutePath().normalize())) {
      throw new IllegalArgumentException("certificate and key must go to different files");
    }
    for (Path existing : List.of(certOut, keyOut)) {
      if (Files.exists(existing)) {
        throw new CertificateAuthorityException(
            existing + " already exists; refusing to overwrite it");
      }
    }
    KeyPair keys = newKeyPair();
    X509Certificate leaf = issue(commonName, sans, purpose, validity, keys.getPublic());
    Pem.writeNew(keyOut, Pem.encodePrivateKey(keys.getPrivate()), true);
    try {
      Pem.writeNew(certOut, Pem.encodeCertificates(List.of(leaf, certificate)), false);
    } catch (RuntimeException e) {
      Pem.deleteQuietly(keyOut);
      throw e;
    }
    return new IssuedCertificate(certOut, keyOut, leaf);
  }

  private X509Certificate issue(
      String commonName,
      List<GeneralName> sans,
      KeyPurposeId purpose,
      Duration validity,
      PublicKey subjectKey) {
    Objects.requireNonNull(validity, "validity");
    if (validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("validity must be positive, got " + validity);
    }
    Instant now = Instant.now();
    Instant notAfter = now.plus(validity);
    Instant caNotAfter = certificate.getNotAfter().toInstant();
    if (notAfter.isAfter(caNotAfter)) {
      notAfter = caNotAfter;
    }
    if (!notAfter.isAfter(now)) {
      throw new CertificateAuthorityException(
          "the CA certificate " + certificateFile + " has expired");
    }
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    X500Principal issuer = certificate.getSubjectX500Principal();
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  issuer,
                  serial(),
                  Date.from(now.minus(backdate(validity))),
                  Date.from(notAfter),
                  new X500Principal(subject.getEncoded()),
                  subjectKey)
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
              .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
              .addExtension(
                  Extension.subjectAlternativeName,
                  false,
                  new GeneralNames(sans.toArray(GeneralName[]::new)))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  extensions.createSubjectKeyIdentifier(subjectKey))
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  extensions.createAuthorityKeyIdentifier(certificate));
      return sign(builder, privateKey);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a certificate for " + commonName, e);
    }
  }

  /**
   * How far a leaf starts in the past: {@link #BACKDATE}, but at most a tenth of its validity, so
   * that an agent renewing at two thirds of [notBefore, notAfter] does so at about two thirds of
   * the time it really has, also for certificates of seconds.
   */
  static Duration backdate(Duration validity) {
    Duration tenth = validity.dividedBy(10);
    return tenth.compareTo(BACKDATE) < 0 ? tenth : BACKDATE;
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey)
      throws GeneralSecurityException {
    ContentSigner signer;
    try {
      signer = new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(signingKey);
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
    return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
  }

  private static GeneralName uri(Identity identity) {
    return new GeneralName(GeneralName.uniformResourceIdentifier, identity.uri().toString());
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot generate ECDSA P-256 keys", e);
    }
  }

  /** A random positive 128-bit serial number. */
  private static BigInteger serial() {
    BigInteger serial;
    do {
      byte[] bytes = new byte[16];
      RANDOM.nextBytes(bytes);
      serial = new BigInteger(1, bytes);
    } while (serial.signum() == 0);
    return serial;
  }

  /**
   * Whether {@code key} is the private half of {@code publicKey}: it signs a random challenge (EC
   * keys with ECDSA, others with RSA, as an operator's own certificate may have).
   */
  static boolean matches(PrivateKey key, PublicKey publicKey) {
    try {
      byte[] challenge = new byte[32];
      RANDOM.nextBytes(challenge);
      String algorithm = "EC".equals(key.getAlgorithm()) ? SIGNATURE_ALGORITHM : "SHA256withRSA";
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
