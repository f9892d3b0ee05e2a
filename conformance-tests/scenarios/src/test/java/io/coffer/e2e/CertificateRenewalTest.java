package io.coffer.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.coffer.agent.identity.KeyMaterial;
import io.coffer.control.ca.Pem;
import io.coffer.control.cli.CofferCli;
import io.coffer.control.config.ControlConfig;
import io.coffer.proto.v1.AgentCertificatesGrpc;
import io.coffer.proto.v1.ControlFrame;
import io.coffer.proto.v1.GetInstanceRequest;
import io.coffer.proto.v1.RenewCertificateRequest;
import io.coffer.proto.v1.Revocation;
import io.coffer.proto.v1.RevokeCertificateRequest;
import io.coffer.tck.Testbed;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The control's side of certificate renewal ({@code AgentCertificates.Renew}) and expiry, with raw
 * agent connections: what is certified, what is refused, and what happens to a stream whose
 * certificate expires.
 */
class CertificateRenewalTest {
  @TempDir Path dir;
  private Testbed bed;

  @BeforeEach
  void start() throws Exception {
    bed = Testbed.start(dir);
  }

  @AfterEach
  void stop() {
    bed.close();
  }

  private FakeAgent connect(String id, Duration validity) throws Exception {
    Path cert = dir.resolve(id + ".pem");
    Path key = dir.resolve(id + ".key");
    bed.ca().issueAgent(id, validity, cert, key);
    FakeAgent agent = new FakeAgent(bed.agentPort(), bed.home().caCert(), cert, key, id);
    assertThat(agent.received.poll(20, TimeUnit.SECONDS))
        .extracting(ControlFrame::hasWelcome)
        .isEqualTo(true);
    return agent;
  }

  private static AgentCertificatesGrpc.AgentCertificatesBlockingStub renewals(FakeAgent agent) {
    return AgentCertificatesGrpc.newBlockingStub(agent.channel())
        .withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  private static String serial(X509Certificate c) {
    return c.getSerialNumber().toString(16);
  }

  @Test
  void renewalCertifiesTheNewKeyForTheCallersInstanceWhateverTheRequestNames() throws Exception {
    try (FakeAgent alpha = connect("alpha", Duration.ofDays(1))) {
      KeyPair next = KeyMaterial.newKeyPair();
      // the request names another instance: its subject is ignored
      String chainPem =
          renewals(alpha)
              .renew(
                  RenewCertificateRequest.newBuilder()
                      .setCsrPem(KeyMaterial.certificationRequest("bravo", next))
                      .build())
              .getCertificateChainPem();
      List<X509Certificate> chain = KeyMaterial.parseChain(chainPem);
      X509Certificate leaf = chain.get(0);
      assertThat(leaf.getPublicKey().getEncoded()).isEqualTo(next.getPublic().getEncoded());
      assertThat(leaf.getSubjectAlternativeNames())
          .extracting(san -> (Object) String.valueOf(san.get(1)))
          .containsExactly("coffer://instance/alpha");
      assertThat(chain.get(1)).isEqualTo(Pem.readCertificates(bed.home().issuingCert()).get(0));
      leaf.verify(chain.get(1).getPublicKey());
      Duration lifetime =
          Duration.between(Instant.now(), leaf.getNotAfter().toInstant()).plusSeconds(5);
      assertThat(lifetime)
          .isBetween(
              ControlConfig.DEFAULT_AGENT_CERTIFICATE_VALIDITY.minusMinutes(1),
              ControlConfig.DEFAULT_AGENT_CERTIFICATE_VALIDITY.plusMinutes(1));
      // the instance shows the certificate its agent now holds
      assertThat(
              bed.instances()
                  .getInstance(GetInstanceRequest.newBuilder().setInstanceId("alpha").build())
                  .getCertificateSerial())
          .isEqualTo(serial(leaf));
    }
  }

  @Test
  void malformedOversizedOrForgedRequestsAreRefusedNamingTheField() throws Exception {
    try (FakeAgent alpha = connect("alpha", Duration.ofDays(1))) {
      String good = KeyMaterial.certificationRequest("alpha", KeyMaterial.newKeyPair());
      // a request whose key is not the one that signed it: swap the key of another request in
      String other = KeyMaterial.certificationRequest("alpha", KeyMaterial.newKeyPair());
      for (String csr :
          List.of(
              "",
              "not a certification request",
              good.repeat(20),
              good + other,
              Pem.encodeCertificates(Pem.readCertificates(bed.home().caCert())))) {
        StatusRuntimeException e =
            catchThrowableOfType(
                StatusRuntimeException.class,
                () ->
                    renewals(alpha)
                        .renew(RenewCertificateRequest.newBuilder().setCsrPem(csr).build()));
        assertThat(e.getStatus().getCode()).as(csr).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("csr_pem");
      }
      assertThat(
              bed.instances()
                  .getInstance(GetInstanceRequest.newBuilder().setInstanceId("alpha").build())
                  .getCertificateSerial())
          .as("nothing was issued")
          .isEqualTo(serial(Pem.readCertificates(dir.resolve("alpha.pem")).get(0)));
    }
  }

  @Test
  void aStreamIsClosedWhenItsCertificateExpiresAndItsConnectionServesNoMoreCalls()
      throws Exception {
    try (FakeAgent shortLived = connect("alpha", Duration.ofSeconds(6))) {
      Status closed = Status.fromThrowable(shortLived.closed.get(20, TimeUnit.SECONDS));
      assertThat(closed.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(closed.getDescription()).contains("expired");
      // the TLS connection is still up, but no call on it gets past the expired certificate
      StatusRuntimeException e =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () ->
                  renewals(shortLived)
                      .renew(
                          RenewCertificateRequest.newBuilder()
                              .setCsrPem(
                                  KeyMaterial.certificationRequest(
                                      "alpha", KeyMaterial.newKeyPair()))
                              .build()));
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(e.getStatus().getDescription()).contains("expired");
    }
  }

  @Test
  void revokingAnInstanceRevokesTheCertificateItRenewedToAndTheOneItsStreamUses() throws Exception {
    try (FakeAgent alpha = connect("alpha", Duration.ofDays(1))) {
      String connected = serial(Pem.readCertificates(dir.resolve("alpha.pem")).get(0));
      String renewed =
          serial(
              KeyMaterial.parseChain(
                      renewals(alpha)
                          .renew(
                              RenewCertificateRequest.newBuilder()
                                  .setCsrPem(
                                      KeyMaterial.certificationRequest(
                                          "alpha", KeyMaterial.newKeyPair()))
                                  .build())
                          .getCertificateChainPem())
                  .get(0));
      Revocation r =
          bed.certificates()
              .revokeCertificate(
                  RevokeCertificateRequest.newBuilder().setInstanceId("alpha").build());
      assertThat(r.getSerial()).isEqualTo(renewed);
      assertThat(r.getAlsoRevokedSerialsList()).containsExactly(connected);
      Status closed = Status.fromThrowable(alpha.closed.get(5, TimeUnit.SECONDS));
      assertThat(closed.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    }
  }

  @Test
  void anInstanceWhoseAgentIsAwayPastItsCertificatesEndIsListedAsNeedingAToken() throws Exception {
    try (FakeAgent alpha = connect("alpha", Duration.ofSeconds(3))) {
      alpha.closed.get(20, TimeUnit.SECONDS); // its stream ends with its certificate
    }
    // remembered across a restart of the control
    bed.stopControl();
    bed.startControl();
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new CofferCli());
    cli.setOut(new PrintWriter(out, true));
    int exit =
        cli.execute(
            "--home",
            bed.home().root().toString(),
            "--control",
            "127.0.0.1:" + bed.apiPort(),
            "instance",
            "list");
    assertThat(exit).isZero();
    assertThat(out.toString())
        .containsPattern("alpha .*\\(expired: needs a new enrollment token\\)");
  }
}
