package io.coffer.control.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coffer.control.ca.CertificateAuthority;
import io.coffer.control.ca.CofferHome;
import io.coffer.control.ca.Pem;
import io.coffer.control.security.Identity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertsCommandTest {

  @TempDir Path tmp;
  CofferHome home;

  @BeforeEach
  void home() {
    home = new CofferHome(tmp.resolve("coffer"));
  }

  private Cli.Result coffer(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--home";
    all[1] = home.root().toString();
    System.arraycopy(args, 0, all, 2, args.length);
    return Cli.run(all);
  }

  @Test
  void initCreatesTheCaTheControlCertificateAndTheAdminClient() throws Exception {
    Cli.Result result = coffer("certs", "init");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.err()).isEmpty();
    assertThat(result.out())
        .contains(
            home.caCert().toString(),
            home.controlCert().toString(),
            home.clientCert("admin").toString(),
            "coffer control start");

    X509Certificate root = Pem.readCertificates(home.caCert()).get(0);
    X509Certificate ca = Pem.readCertificates(home.issuingCert()).get(0);
    ca.verify(root.getPublicKey());
    List<X509Certificate> control = Pem.readCertificates(home.controlCert());
    assertThat(control).hasSize(2);
    assertThat(control.get(1)).isEqualTo(ca);
    control.get(0).verify(ca.getPublicKey());
    assertThat(control.get(0).getSubjectX500Principal().getName()).isEqualTo("CN=coffer-control");
    assertThat(control.get(0).getSubjectAlternativeNames())
        .extracting(san -> (Object) String.valueOf(san.get(1)))
        .containsExactly("localhost", "127.0.0.1", "0:0:0:0:0:0:0:1");

    X509Certificate admin = Pem.readCertificates(home.clientCert("admin")).get(0);
    admin.verify(ca.getPublicKey());
    assertThat(Identity.of(admin)).contains(Identity.client("admin"));

    for (Path key :
        List.of(home.caKey(), home.issuingKey(), home.controlKey(), home.clientKey("admin"))) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
          .as(key.toString())
          .isEqualTo("rw-------");
      assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
    }
  }

  @Test
  void initAddsExtraNamesAndAnotherClient() throws Exception {
    Cli.Result result =
        coffer(
            "certs",
            "init",
            "--dns",
            "control.example.com",
            "--ip",
            "10.0.0.5,fd00::5",
            "--client",
            "ops",
            "--days",
            "10");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    X509Certificate control = Pem.readCertificates(home.controlCert()).get(0);
    assertThat(control.getSubjectAlternativeNames())
        .extracting(san -> (Object) String.valueOf(san.get(1)))
        .containsExactly(
            "localhost",
            "control.example.com",
            "127.0.0.1",
            "0:0:0:0:0:0:0:1",
            "10.0.0.5",
            "fd00:0:0:0:0:0:0:5");
    assertThat(Identity.of(Pem.readCertificates(home.clientCert("ops")).get(0)))
        .contains(Identity.client("ops"));
    assertThat(home.clientCert("admin")).doesNotExist();
  }

  @Test
  void initRefusesAnExistingCaUnlessIfMissing() throws Exception {
    assertThat(coffer("certs", "init").exitCode()).isZero();
    String ca = Files.readString(home.caCert());

    Cli.Result again = coffer("certs", "init");
    assertThat(again.exitCode()).isEqualTo(4);
    assertThat(again.err())
        .startsWith("coffer: a CA exists already at " + home.caDir())
        .contains("--if-missing");
    assertThat(again.err().lines()).hasSize(1);

    Cli.Result ifMissing = coffer("certs", "init", "--if-missing");
    assertThat(ifMissing.exitCode()).isZero();
    assertThat(ifMissing.out()).contains("nothing to do");
    assertThat(Files.readString(home.caCert())).isEqualTo(ca);
  }

  @Test
  void initWritesNothingWhenAnInputIsBad() {
    Cli.Result result = coffer("certs", "init", "--ip", "10.0.0.300");
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).isEqualTo("coffer: '10.0.0.300' is not an IPv4 or IPv6 address\n");
    assertThat(home.caCert()).doesNotExist();
    assertThat(home.caKey()).doesNotExist();
    assertThat(home.controlCert()).doesNotExist();

    result = coffer("certs", "init", "--client", "Admin");
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).startsWith("coffer: 'Admin' is not a valid name");
    assertThat(home.caCert()).doesNotExist();
  }

  @Test
  void initRefusesLeftoverCertificatesWithoutACa() throws Exception {
    Files.createDirectories(home.controlCert().getParent());
    Files.writeString(home.controlCert(), "old");
    Cli.Result result = coffer("certs", "init");
    assertThat(result.exitCode()).isEqualTo(4);
    assertThat(result.err())
        .startsWith("coffer: " + home.controlCert() + " exists but there is no CA");
    assertThat(home.caCert()).doesNotExist();
  }

  @Test
  void initJsonIsOneDocument() throws Exception {
    Cli.Result result = coffer("certs", "init", "--json");
    assertThat(result.exitCode()).isZero();
    JsonNode json = new ObjectMapper().readTree(result.out());
    assertThat(json.get("created").asBoolean()).isTrue();
    assertThat(json.at("/ca/certificate").asText()).isEqualTo(home.caCert().toString());
    assertThat(json.at("/control/certificate").asText()).isEqualTo(home.controlCert().toString());
    assertThat(json.at("/control/ipAddresses/1").asText()).isEqualTo("::1");
    assertThat(json.at("/client/key").asText()).isEqualTo(home.clientKey("admin").toString());
  }

  @Test
  void issueWritesAgentCertificatesUnderHome() throws Exception {
    coffer("certs", "init");
    Cli.Result result = coffer("certs", "issue", "--instance", "db-1");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out())
        .contains(
            "coffer://instance/db-1",
            home.agentCert("db-1").toString(),
            home.agentKey("db-1").toString());
    List<X509Certificate> chain = Pem.readCertificates(home.agentCert("db-1"));
    assertThat(Identity.of(chain.get(0))).contains(Identity.agent("db-1"));
    chain.get(0).verify(chain.get(1).getPublicKey());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.agentKey("db-1"))))
        .isEqualTo("rw-------");

    Cli.Result again = coffer("certs", "issue", "--instance", "db-1");
    assertThat(again.exitCode()).isEqualTo(4);
    assertThat(again.err())
        .isEqualTo(
            "coffer: " + home.agentCert("db-1") + " exists already; use --force to replace it\n");

    Cli.Result forced = coffer("certs", "issue", "--instance", "db-1", "--force");
    assertThat(forced.exitCode()).isZero();
    assertThat(Pem.readCertificates(home.agentCert("db-1")).get(0).getSerialNumber())
        .isNotEqualTo(chain.get(0).getSerialNumber());
  }

  @Test
  void issueWritesClientCertificatesWhereAsked() throws Exception {
    coffer("certs", "init");
    Path out = tmp.resolve("elsewhere");
    Cli.Result result =
        coffer(
            "certs",
            "issue",
            "--client",
            "ops",
            "--days",
            "7",
            "--out-dir",
            out.toString(),
            "--json");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    JsonNode json = new ObjectMapper().readTree(result.out());
    assertThat(json.get("identity").asText()).isEqualTo("coffer://client/ops");
    assertThat(json.get("certificate").asText()).isEqualTo(out.resolve("ops.pem").toString());
    X509Certificate leaf = Pem.readCertificates(out.resolve("ops.pem")).get(0);
    assertThat(Identity.of(leaf)).contains(Identity.client("ops"));
    assertThat(leaf.getNotAfter().toInstant()).isBefore(Instant.now().plus(Duration.ofDays(8)));
    assertThat(out.resolve("ops.key")).exists();
    assertThat(home.clientCert("ops")).doesNotExist();
  }

  @Test
  void issueNeedsACaAndAValidName() throws Exception {
    Cli.Result noCa = coffer("certs", "issue", "--instance", "db-1");
    assertThat(noCa.exitCode()).isEqualTo(1);
    assertThat(noCa.err())
        .isEqualTo("coffer: no CA in " + home.caDir() + "; run 'coffer certs init' first\n");

    coffer("certs", "init");
    for (String bad : List.of("DB_1", "../../etc/passwd", "-x")) {
      Cli.Result result = coffer("certs", "issue", "--instance", bad, "--force");
      assertThat(result.exitCode()).as(bad).isEqualTo(2);
      assertThat(result.err()).as(bad).startsWith("coffer: '" + bad + "' is not a valid name");
      assertThat(result.err().lines()).hasSize(1);
    }
    assertThat(home.root().resolve("agents")).doesNotExist();
  }

  @Test
  void rotateReplacesTheControlCertificateKeepingItsNamesAndAClientCertificate() throws Exception {
    assertThat(coffer("certs", "init", "--dns", "control.example", "--ip", "10.0.0.7").exitCode())
        .isZero();
    X509Certificate before = Pem.readCertificates(home.controlCert()).get(0);
    String keyBefore = Files.readString(home.controlKey());

    Cli.Result rotated = coffer("certs", "rotate", "--server", "--days", "30");
    assertThat(rotated.exitCode()).as(rotated.toString()).isZero();
    X509Certificate after = Pem.readCertificates(home.controlCert()).get(0);
    assertThat(after.getSerialNumber()).isNotEqualTo(before.getSerialNumber());
    assertThat(rotated.out()).contains(after.getSerialNumber().toString(16));
    assertThat(after.getSubjectX500Principal()).isEqualTo(before.getSubjectX500Principal());
    assertThat(after.getSubjectAlternativeNames())
        .containsExactlyInAnyOrderElementsOf(before.getSubjectAlternativeNames());
    assertThat(Files.readString(home.controlKey())).isNotEqualTo(keyBefore);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.controlKey())))
        .isEqualTo("rw-------");
    after.verify(Pem.readCertificates(home.issuingCert()).get(0).getPublicKey());
    assertThat(CertificateAuthority.issuer(home)).isPresent();
    try (var files = Files.list(home.controlCert().getParent())) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrder("control.pem", "control.key");
    }

    X509Certificate admin = Pem.readCertificates(home.clientCert("admin")).get(0);
    assertThat(coffer("certs", "rotate", "--client", "admin").exitCode()).isZero();
    X509Certificate adminAfter = Pem.readCertificates(home.clientCert("admin")).get(0);
    assertThat(adminAfter.getSerialNumber()).isNotEqualTo(admin.getSerialNumber());
    assertThat(Identity.of(adminAfter)).contains(Identity.client("admin"));

    Cli.Result missing = coffer("certs", "rotate", "--client", "nobody");
    assertThat(missing.exitCode()).isEqualTo(3);
    assertThat(missing.err()).contains("no certificate to rotate");
    Cli.Result both = coffer("certs", "rotate", "--server", "--client", "admin");
    assertThat(both.exitCode()).isEqualTo(2);
  }
}
