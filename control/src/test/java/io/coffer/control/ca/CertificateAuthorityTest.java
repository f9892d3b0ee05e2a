package io.coffer.control.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.control.security.Identity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {

  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

  @TempDir Path tmp;
  CofferHome home;
  CertificateAuthority ca;

  @BeforeEach
  void createCa() {
    home = new CofferHome(tmp.resolve("home"));
    ca = CertificateAuthority.create(home.caCert(), home.caKey());
  }

  @Test
  void caIsSelfSignedP256WithCaConstraints() throws Exception {
    X509Certificate cert = ca.certificate();
    cert.verify(cert.getPublicKey());
    assertThat(cert.getSubjectX500Principal())
        .isEqualTo(new X500Principal("CN=Coffer Development CA"));
    assertThat(cert.getIssuerX500Principal()).isEqualTo(cert.getSubjectX500Principal());
    assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(cert.getPublicKey().toString()).contains("secp256r1");
    assertThat(cert.getBasicConstraints()).isEqualTo(0);
    boolean[] usage = cert.getKeyUsage();
    assertThat(usage[5]).as("keyCertSign").isTrue();
    assertThat(usage[6]).as("cRLSign").isTrue();
    assertThat(usage[0]).as("digitalSignature").isFalse();
    assertThat(cert.getSerialNumber().signum()).isPositive();
    assertThat(cert.getSerialNumber().bitLength()).isLessThanOrEqualTo(128).isGreaterThan(64);
    Instant tenYears = Instant.now().plus(Duration.ofDays(3650));
    assertThat(cert.getNotAfter().toInstant()).isAfter(tenYears);
    assertThat(Pem.readCertificates(home.caCert())).containsExactly(cert);
  }

  @Test
  void keyFilesArePkcs8PemWithMode0600InPrivateDirectories() throws Exception {
    assertThat(Files.readString(home.caKey())).startsWith("-----BEGIN PRIVATE KEY-----\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.caKey())))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.caDir())))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.root())))
        .isEqualTo("rwx------");

    IssuedCertificate agent =
        ca.issueAgent("db-1", Duration.ofDays(1), home.agentCert("db-1"), home.agentKey("db-1"));
    assertThat(Files.readString(agent.privateKey())).startsWith("-----BEGIN PRIVATE KEY-----\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(agent.privateKey())))
        .isEqualTo("rw-------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(agent.privateKey().getParent())))
        .isEqualTo("rwx------");
  }

  @Test
  void refusesToOverwriteAnExistingCa() throws Exception {
    String before = Files.readString(home.caCert());
    assertThatThrownBy(() -> CertificateAuthority.create(home.caCert(), tmp.resolve("other.key")))
        .isInstanceOf(CertificateAuthorityException.class)
        .hasMessageContaining(home.caCert().toString())
        .hasMessageContaining("refusing to overwrite");
    assertThatThrownBy(() -> CertificateAuthority.create(tmp.resolve("other.pem"), home.caKey()))
        .isInstanceOf(CertificateAuthorityException.class)
        .hasMessageContaining(home.caKey().toString());
    assertThat(Files.readString(home.caCert())).isEqualTo(before);
    assertThat(tmp.resolve("other.key")).doesNotExist();
    assertThat(tmp.resolve("other.pem")).doesNotExist();
  }

  @Test
  void loadsWhatItCreated() throws Exception {
    CertificateAuthority loaded = CertificateAuthority.load(home.caCert(), home.caKey());
    assertThat(loaded.certificate()).isEqualTo(ca.certificate());
    IssuedCertificate client =
        loaded.issueClient(
            "ops", Duration.ofDays(1), tmp.resolve("ops.pem"), tmp.resolve("ops.key"));
    client.certificate().verify(ca.certificate().getPublicKey());
  }

  @Test
  void loadExplainsMissingOrMismatchedFiles() {
    assertThatThrownBy(() -> CertificateAuthority.load(tmp.resolve("nope.pem"), home.caKey()))
        .isInstanceOf(CertificateAuthorityException.class)
        .hasMessage("certificate file " + tmp.resolve("nope.pem") + " does not exist");
    assertThatThrownBy(() -> CertificateAuthority.load(home.caCert(), tmp.resolve("nope.key")))
        .isInstanceOf(CertificateAuthorityException.class)
        .hasMessage("key file " + tmp.resolve("nope.key") + " does not exist");

    CofferHome other = new CofferHome(tmp.resolve("other"));
    CertificateAuthority.create(other.caCert(), other.caKey());
    assertThatThrownBy(() -> CertificateAuthority.load(home.caCert(), other.caKey()))
        .isInstanceOf(CertificateAuthorityException.class)
        .hasMessageContaining("does not belong to the CA certificate");

    IssuedCertificate leaf =
        ca.issueClient("x", Duration.ofDays(1), tmp.resolve("x.pem"), tmp.resolve("x.key"));
    assertThatThrownBy(() -> CertificateAuthority.load(leaf.certificateChain(), leaf.privateKey()))
        .isInstanceOf(CertificateAuthorityException.class)
        .hasMessageContaining("is not a CA certificate");
  }

  @Test
  void loadRefusesGarbage() throws Exception {
    Path garbage = Files.writeString(tmp.resolve("garbage.pem"), "hello\n");
    assertThatThrownBy(() -> CertificateAuthority.load(garbage, home.caKey()))
        .isInstanceOf(CertificateAuthorityException.class)
        .hasMessageContaining("holds no PEM certificate");
    assertThatThrownBy(() -> CertificateAuthority.load(home.caCert(), garbage))
        .isInstanceOf(CertificateAuthorityException.class)
        .hasMessageContaining("holds no PEM private key");
  }

  @Test
  void agentCertificateChainsToTheCaAndNamesTheInstance() throws Exception {
    IssuedCertificate issued =
        ca.issueAgent(
            "mysql-7",
            CertificateAuthority.DEFAULT_LEAF_VALIDITY,
            home.agentCert("mysql-7"),
            home.agentKey("mysql-7"));
    X509Certificate leaf = issued.certificate();

    List<X509Certificate> chain = Pem.readCertificates(issued.certificateChain());
    assertThat(chain).containsExactly(leaf, ca.certificate());
    leaf.verify(ca.certificate().getPublicKey());
    validatePath(leaf);

    assertThat(Identity.of(leaf)).contains(Identity.agent("mysql-7"));
    assertThat(leaf.getSubjectX500Principal()).isEqualTo(new X500Principal("CN=mysql-7"));
    assertThat(leaf.getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
    assertLeafBasics(leaf);
    assertThat(leaf.getNotAfter().toInstant())
        .isBetween(
            Instant.now().plus(Duration.ofDays(90)).minusSeconds(60),
            Instant.now().plus(Duration.ofDays(90)));
  }

  @Test
  void clientCertificateNamesTheClient() throws Exception {
    IssuedCertificate issued =
        ca.issueClient(
            "admin", Duration.ofDays(30), home.clientCert("admin"), home.clientKey("admin"));
    X509Certificate leaf = issued.certificate();
    leaf.verify(ca.certificate().getPublicKey());
    validatePath(leaf);
    assertThat(Identity.of(leaf)).contains(Identity.client("admin"));
    assertThat(leaf.getSubjectX500Principal()).isEqualTo(new X500Principal("CN=admin"));
    assertThat(leaf.getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
    assertLeafBasics(leaf);
  }

  @Test
  void serverCertificateCarriesDnsAndIpNames() throws Exception {
    IssuedCertificate issued =
        ca.issueServer(
            "coffer-control",
            List.of("localhost", "control.example.com"),
            List.of("127.0.0.1", "::1"),
            Duration.ofDays(90),
            home.controlCert(),
            home.controlKey());
    X509Certificate leaf = issued.certificate();
    leaf.verify(ca.certificate().getPublicKey());
    validatePath(leaf);
    assertThat(leaf.getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
    assertThat(leaf.getSubjectX500Principal()).isEqualTo(new X500Principal("CN=coffer-control"));
    assertThat(leaf.getSubjectAlternativeNames())
        .extracting(san -> (Object) (san.get(0) + "=" + san.get(1)))
        .containsExactly(
            "2=localhost", "2=control.example.com", "7=127.0.0.1", "7=0:0:0:0:0:0:0:1");
    assertThat(Identity.of(leaf)).isEmpty();
    assertLeafBasics(leaf);
  }

  @Test
  void validityIsClippedToTheCaExpiry() {
    IssuedCertificate issued =
        ca.issueClient(
            "long", Duration.ofDays(365 * 50), tmp.resolve("l.pem"), tmp.resolve("l.key"));
    assertThat(issued.certificate().getNotAfter()).isEqualTo(ca.certificate().getNotAfter());
    assertThatThrownBy(
            () -> ca.issueClient("zero", Duration.ZERO, tmp.resolve("z.pem"), tmp.resolve("z.key")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("validity must be positive");
  }

  @Test
  void badNamesAreRefusedBeforeAnythingIsWritten() {
    for (String bad :
        List.of("", "Upper", "under_score", "-dash", "dash-", "a.b", "x".repeat(64))) {
      assertThatThrownBy(
              () ->
                  ca.issueAgent(
                      bad, Duration.ofDays(1), tmp.resolve("a.pem"), tmp.resolve("a.key")))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is not a valid name");
      assertThatThrownBy(
              () ->
                  ca.issueClient(
                      bad, Duration.ofDays(1), tmp.resolve("c.pem"), tmp.resolve("c.key")))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is not a valid name");
    }
    assertThatThrownBy(
            () ->
                ca.issueServer(
                    "bad name",
                    List.of("localhost"),
                    List.of(),
                    Duration.ofDays(1),
                    tmp.resolve("s.pem"),
                    tmp.resolve("s.key")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a valid server common name");
    assertThatThrownBy(
            () ->
                ca.issueServer(
                    "srv",
                    List.of("bad host"),
                    List.of(),
                    Duration.ofDays(1),
                    tmp.resolve("s.pem"),
                    tmp.resolve("s.key")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a valid DNS name");
    assertThatThrownBy(
            () ->
                ca.issueServer(
                    "srv",
                    List.of(),
                    List.of("300.1.1.1"),
                    Duration.ofDays(1),
                    tmp.resolve("s.pem"),
                    tmp.resolve("s.key")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an IPv4 or IPv6 address");
    assertThat(tmp)
        .isDirectoryNotContaining(p -> p.getFileName().toString().matches("[acs]\\.(pem|key)"));
  }

  @Test
  void refusesToOverwriteIssuedFiles() throws Exception {
    ca.issueAgent("db-1", Duration.ofDays(1), home.agentCert("db-1"), home.agentKey("db-1"));
    String cert = Files.readString(home.agentCert("db-1"));
    String key = Files.readString(home.agentKey("db-1"));
    assertThatThrownBy(
            () ->
                ca.issueAgent(
                    "db-1", Duration.ofDays(1), home.agentCert("db-1"), home.agentKey("db-1")))
        .isInstanceOf(CertificateAuthorityException.class)
        .hasMessageContaining("already exists; refusing to overwrite");
    assertThat(Files.readString(home.agentCert("db-1"))).isEqualTo(cert);
    assertThat(Files.readString(home.agentKey("db-1"))).isEqualTo(key);

    // only the key exists: nothing written, key untouched
    Path lonelyKey = Files.writeString(tmp.resolve("lonely.key"), "x");
    assertThatThrownBy(
            () -> ca.issueClient("y", Duration.ofDays(1), tmp.resolve("lonely.pem"), lonelyKey))
        .isInstanceOf(CertificateAuthorityException.class);
    assertThat(tmp.resolve("lonely.pem")).doesNotExist();
    assertThat(Files.readString(lonelyKey)).isEqualTo("x");
  }

  @Test
  void certifiesAnAgentKeyFromACertificationRequest() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair agentKeys = generator.generateKeyPair();
    PKCS10CertificationRequest csr =
        new JcaPKCS10CertificationRequestBuilder(
                new X500Principal("CN=whatever-the-agent-asks"), agentKeys.getPublic())
            .build(new JcaContentSignerBuilder("SHA256withECDSA").build(agentKeys.getPrivate()));

    List<X509Certificate> chain = ca.certifyAgent("pg-3", csr, Duration.ofDays(7));
    assertThat(chain).hasSize(2);
    assertThat(chain.get(1)).isEqualTo(ca.certificate());
    X509Certificate leaf = chain.get(0);
    leaf.verify(ca.certificate().getPublicKey());
    assertThat(leaf.getPublicKey()).isEqualTo(agentKeys.getPublic());
    assertThat(leaf.getSubjectX500Principal()).isEqualTo(new X500Principal("CN=pg-3"));
    assertThat(Identity.of(leaf)).contains(Identity.agent("pg-3"));

    // signed by someone else's key: the requester does not hold the key it asks to certify
    KeyPair other = generator.generateKeyPair();
    PKCS10CertificationRequest forged =
        new JcaPKCS10CertificationRequestBuilder(new X500Principal("CN=x"), agentKeys.getPublic())
            .build(new JcaContentSignerBuilder("SHA256withECDSA").build(other.getPrivate()));
    assertThatThrownBy(() -> ca.certifyAgent("pg-3", forged, Duration.ofDays(7)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("signature does not verify");
  }

  @Test
  void pemFilesAreReadableByOpenSslTooling() throws Exception {
    IssuedCertificate issued =
        ca.issueClient(
            "admin", Duration.ofDays(1), home.clientCert("admin"), home.clientKey("admin"));
    String chain = Files.readString(issued.certificateChain(), StandardCharsets.US_ASCII);
    assertThat(chain)
        .startsWith("-----BEGIN CERTIFICATE-----\n")
        .endsWith("-----END CERTIFICATE-----\n");
    assertThat(chain.split("-----BEGIN CERTIFICATE-----", -1)).hasSize(3);
    // the JDK's own parser reads the chain too
    try (var in = Files.newInputStream(issued.certificateChain())) {
      assertThat(CertificateFactory.getInstance("X.509").generateCertificates(in)).hasSize(2);
    }
  }

  @Test
  void aHierarchyIssuesUnderTheRootWithoutTheRootKey() throws Exception {
    CofferHome two = new CofferHome(tmp.resolve("two"));
    CertificateAuthority.createHierarchy(two);
    X509Certificate root = Pem.readCertificates(two.caCert()).get(0);
    X509Certificate issuing = Pem.readCertificates(two.issuingCert()).get(0);
    root.verify(root.getPublicKey());
    issuing.verify(root.getPublicKey());
    assertThat(root.getBasicConstraints()).isEqualTo(1);
    assertThat(issuing.getBasicConstraints()).isEqualTo(0);
    assertThat(issuing.getIssuerX500Principal()).isEqualTo(root.getSubjectX500Principal());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(two.issuingKey())))
        .isEqualTo("rw-------");

    // the root key goes offline; the issuing CA alone certifies, and the chain leads to the root
    Files.delete(two.caKey());
    CertificateAuthority issuer = CertificateAuthority.issuer(two).orElseThrow();
    assertThat(issuer.certificate()).isEqualTo(issuing);
    IssuedCertificate agent =
        issuer.issueAgent("db-1", Duration.ofHours(1), two.agentCert("db-1"), two.agentKey("db-1"));
    List<X509Certificate> chain = Pem.readCertificates(agent.certificateChain());
    assertThat(chain).containsExactly(agent.certificate(), issuing);
    PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
    parameters.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX")
        .validate(CertificateFactory.getInstance("X.509").generateCertPath(chain), parameters);

    assertThatThrownBy(() -> CertificateAuthority.createHierarchy(two))
        .isInstanceOf(CertificateAuthorityException.class)
        .hasMessageContaining("already exists");
    Files.delete(two.issuingKey());
    assertThat(CertificateAuthority.issuer(two)).isEmpty();
  }

  private void assertLeafBasics(X509Certificate leaf) throws Exception {
    assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
    boolean[] usage = leaf.getKeyUsage();
    assertThat(usage[0]).as("digitalSignature").isTrue();
    assertThat(usage[5]).as("keyCertSign").isFalse();
    assertThat(leaf.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(leaf.getPublicKey().toString()).contains("secp256r1");
    assertThat(leaf.getExtensionValue("2.5.29.14")).as("subjectKeyIdentifier").isNotNull();
    assertThat(leaf.getExtensionValue("2.5.29.35")).as("authorityKeyIdentifier").isNotNull();
    assertThat(leaf.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
    assertThat(leaf.getSerialNumber()).isNotEqualTo(ca.certificate().getSerialNumber());
    assertThat(leaf.getNotBefore().toInstant()).isBefore(Instant.now());
  }

  private void validatePath(X509Certificate leaf) throws Exception {
    PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(ca.certificate(), null)));
    parameters.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX")
        .validate(
            CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)), parameters);
  }
}
