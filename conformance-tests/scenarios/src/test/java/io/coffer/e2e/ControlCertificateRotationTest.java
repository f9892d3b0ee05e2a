package io.coffer.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.control.ca.Pem;
import io.coffer.control.cli.CofferCli;
import io.coffer.proto.v1.ControlFrame;
import io.coffer.proto.v1.InstanceServiceGrpc;
import io.coffer.proto.v1.ListInstancesRequest;
import io.coffer.tck.Testbed;
import io.grpc.ManagedChannel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code coffer certs rotate} against a running control: its server certificate is replaced on disk
 * and the control serves the new one to new connections within seconds, without a restart, while a
 * connection opened before goes on working; a rotated client certificate is accepted from the next
 * call on.
 */
class ControlCertificateRotationTest {
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

  private int coffer(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new CofferCli());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(out, true));
    String[] all = new String[args.length + 2];
    all[0] = "--home";
    all[1] = bed.home().root().toString();
    System.arraycopy(args, 0, all, 2, args.length);
    int exit = cli.execute(all);
    assertThat(exit).as(out.toString()).isZero();
    return exit;
  }

  /** The serial of the certificate a new TLS connection to {@code port} is served. */
  private BigInteger servedSerial(int port) throws Exception {
    KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
    anchors.load(null, null);
    anchors.setCertificateEntry("root", Pem.readCertificates(bed.home().caCert()).get(0));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(anchors);
    SSLContext tls = SSLContext.getInstance("TLSv1.3");
    tls.init(null, tmf.getTrustManagers(), null);
    try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.startHandshake();
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }

  @Test
  void aRotatedServerCertificateIsServedWithoutARestartAndOpenConnectionsGoOn() throws Exception {
    BigInteger before = servedSerial(bed.apiPort());
    assertThat(servedSerial(bed.agentPort())).isEqualTo(before);
    InstanceServiceGrpc.InstanceServiceBlockingStub open = bed.instances();
    open.listInstances(ListInstancesRequest.getDefaultInstance()); // the connection is up

    coffer("certs", "rotate", "--server");
    BigInteger rotated = Pem.readCertificates(bed.home().controlCert()).get(0).getSerialNumber();
    assertThat(rotated).isNotEqualTo(before);

    Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
    while (!servedSerial(bed.apiPort()).equals(rotated) && Instant.now().isBefore(deadline)) {
      Thread.sleep(200);
    }
    assertThat(servedSerial(bed.apiPort())).isEqualTo(rotated);
    assertThat(servedSerial(bed.agentPort())).isEqualTo(rotated);
    // the connection made before the rotation still serves calls
    assertThat(open.listInstances(ListInstancesRequest.getDefaultInstance())).isNotNull();
    // and agents connect with the new one
    Path cert = dir.resolve("alpha.pem");
    Path key = dir.resolve("alpha.key");
    bed.ca().issueAgent("alpha", Duration.ofDays(1), cert, key);
    try (FakeAgent agent =
        new FakeAgent(bed.agentPort(), bed.home().caCert(), cert, key, "alpha")) {
      assertThat(agent.received.poll(20, TimeUnit.SECONDS))
          .extracting(ControlFrame::hasWelcome)
          .isEqualTo(true);
    }
  }

  @Test
  void aRotatedClientCertificateIsAcceptedFromTheNextCallOn() throws Exception {
    BigInteger before =
        Pem.readCertificates(bed.home().clientCert("admin")).get(0).getSerialNumber();
    coffer("certs", "rotate", "--client", "admin");
    assertThat(Pem.readCertificates(bed.home().clientCert("admin")).get(0).getSerialNumber())
        .isNotEqualTo(before);
    ManagedChannel fresh =
        bed.channel(bed.home().clientCert("admin"), bed.home().clientKey("admin"));
    try {
      assertThat(
              InstanceServiceGrpc.newBlockingStub(fresh)
                  .listInstances(ListInstancesRequest.getDefaultInstance()))
          .isNotNull();
    } finally {
      fresh.shutdownNow();
    }
  }
}
