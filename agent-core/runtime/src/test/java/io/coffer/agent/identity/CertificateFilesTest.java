package io.coffer.agent.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replacing the agent's certificate and key, and recovering from a crash half-way. */
class CertificateFilesTest {
  @TempDir Path dir;

  private Path cert() {
    return dir.resolve("tls/agent.pem");
  }

  private Path key() {
    return dir.resolve("tls/agent.key");
  }

  @Test
  void replaceWritesAPairThatReadsBackWithAPrivateKey() throws Exception {
    KeyMaterial first = material(1);
    CertificateFiles.replace(cert(), key(), first);
    KeyMaterial read = KeyMaterial.read(cert(), key());
    assertThat(read.leaf()).isEqualTo(first.leaf());
    assertThat(KeyMaterial.pairs(read.key(), read.leaf().getPublicKey())).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key())))
        .isEqualTo("rw-------");

    KeyMaterial second = material(2);
    CertificateFiles.replace(cert(), key(), second);
    assertThat(KeyMaterial.read(cert(), key()).leaf().getSerialNumber()).isEqualTo(2);
    try (var files = Files.list(dir.resolve("tls"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("agent.pem", "agent.key");
    }
  }

  @Test
  void aCrashAfterTheKeyMovedIsCompletedAtTheNextStart() throws Exception {
    CertificateFiles.replace(cert(), key(), material(1));
    KeyMaterial next = material(2);
    // as if the agent died between the two renames: the new key in place, the certificate not
    Files.writeString(key(), next.keyPem());
    Files.writeString(dir.resolve("tls/agent.pem.next"), next.chainPem());

    CertificateFiles.recover(cert(), key());

    KeyMaterial read = KeyMaterial.read(cert(), key());
    assertThat(read.leaf().getSerialNumber()).isEqualTo(2);
    assertThat(KeyMaterial.pairs(read.key(), read.leaf().getPublicKey())).isTrue();
    assertThat(dir.resolve("tls/agent.pem.next")).doesNotExist();
  }

  @Test
  void aCrashBeforeTheKeyMovedKeepsTheOldPair() throws Exception {
    CertificateFiles.replace(cert(), key(), material(1));
    KeyMaterial next = material(2);
    Files.writeString(dir.resolve("tls/agent.key.next"), next.keyPem());
    Files.writeString(dir.resolve("tls/agent.pem.next"), next.chainPem());

    CertificateFiles.recover(cert(), key());

    KeyMaterial read = KeyMaterial.read(cert(), key());
    assertThat(read.leaf().getSerialNumber()).isEqualTo(1);
    assertThat(KeyMaterial.pairs(read.key(), read.leaf().getPublicKey())).isTrue();
    assertThat(dir.resolve("tls/agent.key.next")).doesNotExist();
    assertThat(dir.resolve("tls/agent.pem.next")).doesNotExist();
  }

  @Test
  void theKeyManagerPresentsTheNewMaterialAndStillResolvesTheOldAlias() throws Exception {
    KeyMaterial first = material(1);
    AgentKeyManager keys = new AgentKeyManager(first);
    String before = keys.chooseEngineClientAlias(new String[] {"EC"}, null, null);
    KeyMaterial second = material(2);
    keys.use(second);
    String after = keys.chooseEngineClientAlias(new String[] {"EC"}, null, null);
    assertThat(after).isNotEqualTo(before);
    assertThat(keys.getCertificateChain(after)[0]).isEqualTo(second.leaf());
    assertThat(keys.getPrivateKey(after)).isEqualTo(second.key());
    // a handshake that chose its alias just before the swap gets a matching pair still
    assertThat(keys.getCertificateChain(before)[0]).isEqualTo(first.leaf());
    assertThat(keys.getPrivateKey(before)).isEqualTo(first.key());
    assertThat(keys.certificate()).isEqualTo(second.leaf());
  }

  @Test
  void renewalIsDueTwoThirdsIntoTheValidity() throws Exception {
    Instant start = Instant.parse("2026-12-07T00:00:00Z");
    X509Certificate day = selfSigned(KeyMaterial.newKeyPair(), 1, start, Duration.ofHours(24));
    assertThat(CertificateRenewal.renewalTime(day)).isEqualTo(start.plus(Duration.ofHours(16)));
  }

  private static KeyMaterial material(long serial) throws Exception {
    KeyPair keys = KeyMaterial.newKeyPair();
    return new KeyMaterial(
        List.of(selfSigned(keys, serial, Instant.now(), Duration.ofHours(1))), keys.getPrivate());
  }

  private static X509Certificate selfSigned(
      KeyPair keys, long serial, Instant from, Duration validity) throws Exception {
    X500Principal name = new X500Principal("CN=db1");
    return new JcaX509CertificateConverter()
        .getCertificate(
            new JcaX509v3CertificateBuilder(
                    name,
                    BigInteger.valueOf(serial),
                    Date.from(from),
                    Date.from(from.plus(validity)),
                    name,
                    keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
  }
}
