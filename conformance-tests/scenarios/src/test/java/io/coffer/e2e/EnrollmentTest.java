package io.coffer.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.coffer.agent.config.AgentConfig;
import io.coffer.control.ca.Pem;
import io.coffer.proto.v1.CreateEnrollmentTokenRequest;
import io.coffer.proto.v1.EnrollRequest;
import io.coffer.proto.v1.EnrollResponse;
import io.coffer.proto.v1.EnrollmentServiceGrpc;
import io.coffer.proto.v1.EnrollmentToken;
import io.coffer.proto.v1.EnrollmentTokenServiceGrpc;
import io.coffer.proto.v1.EnrollmentTokenState;
import io.coffer.proto.v1.ListDatabasesRequest;
import io.coffer.proto.v1.ListEnrollmentTokensRequest;
import io.coffer.tck.FileScan;
import io.coffer.tck.Ports;
import io.coffer.tck.Testbed;
import io.coffer.tck.process.AgentProcess;
import io.coffer.tck.redis.RedisProvider;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.assertj.core.groups.Tuple;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Enrollment through a real control: an administrator creates a one-time token; a caller without
 * any certificate, trusting only the CA, trades it and a certification request for a key it made
 * itself for a certificate; a real agent (Redis plugin) connects with that certificate and serves
 * commands. Replays, other instances, unknown tokens and bad requests are refused and issue
 * nothing; the token is in no file afterwards.
 */
class EnrollmentTest {
  private static final String INSTANCE = "en-a";
  private Testbed bed;
  private ManagedChannel anonymous;

  @AfterEach
  void stop() {
    if (anonymous != null) {
      anonymous.shutdownNow();
    }
    if (bed != null) {
      bed.close();
    }
  }

  @Test
  void aTokenAndARequestBecomeACertificateAnAgentConnectsWith() throws Exception {
    RedisProvider redis = RedisProvider.requireRedis();
    Path work = startBed();
    anonymous =
        NettyChannelBuilder.forAddress("localhost", bed.apiPort())
            .sslContext(
                GrpcSslContexts.forClient()
                    .trustManager(bed.home().caCert().toFile())
                    .protocols("TLSv1.3")
                    .build())
            .build();
    EnrollmentTokenServiceGrpc.EnrollmentTokenServiceBlockingStub admin = admin();
    EnrollmentToken token =
        admin.createEnrollmentToken(
            CreateEnrollmentTokenRequest.newBuilder()
                .setInstanceId(INSTANCE)
                .setTtlSeconds(600)
                .build());
    assertThat(token.getToken()).startsWith("cet_");

    KeyPair keys = newKeyPair();
    String csr = csr(keys);
    // refusals first: none of them spends the token
    assertThat(enrollError(token.getToken(), INSTANCE, "-----BEGIN CERTIFICATE REQUEST-----\nxx"))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(enrollError(token.getToken(), INSTANCE, csr.repeat(30)))
        .isEqualTo(Status.Code.INVALID_ARGUMENT); // over 8 KiB
    assertThat(enrollError(token.getToken(), INSTANCE, forged(keys)))
        .isEqualTo(Status.Code.INVALID_ARGUMENT); // signed with another key than it names
    assertThat(enrollError(token.getToken(), "en-b", csr)).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(enrollError("cet_" + "x".repeat(43), INSTANCE, csr))
        .isEqualTo(Status.Code.UNAUTHENTICATED);

    EnrollResponse issued = enroll(token.getToken(), INSTANCE, csr);
    assertThat(enrollError(token.getToken(), INSTANCE, csr))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(
            admin
                .listEnrollmentTokens(ListEnrollmentTokensRequest.getDefaultInstance())
                .getTokensList())
        .extracting(
            EnrollmentToken::getTokenId, EnrollmentToken::getState, EnrollmentToken::getToken)
        .containsExactly(
            Tuple.tuple(token.getTokenId(), EnrollmentTokenState.ENROLLMENT_TOKEN_STATE_USED, ""));

    // the agent's key never left it; the certificate names the token's instance
    Path agentDir = Files.createDirectories(work.resolve("enrolled"));
    Path cert = Files.writeString(agentDir.resolve("agent.pem"), issued.getCertificateChainPem());
    Path key = agentDir.resolve("agent.key");
    Files.writeString(key, Pem.encodePrivateKey(keys.getPrivate()));
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    assertThat(Pem.readCertificates(cert).get(0).getSubjectAlternativeNames())
        .anySatisfy(san -> assertThat(san.get(1)).isEqualTo("coffer://instance/" + INSTANCE));
    AgentConfig config =
        new AgentConfig(
            INSTANCE,
            new AgentConfig.Control(
                "localhost",
                bed.agentPort(),
                bed.home().caCert(),
                cert,
                key,
                Duration.ofSeconds(2)),
            work.resolve("agents").resolve(INSTANCE),
            redis.pluginsDir(),
            Duration.ofMillis(500),
            redis.datastore(work.resolve(INSTANCE), Ports.free()),
            new AgentConfig.Backup("local", bed.backupDir(), null));
    bed.startAgent(config);
    bed.awaitHealthy(INSTANCE, Duration.ofSeconds(60));
    assertThat(
            bed.databases()
                .listDatabases(ListDatabasesRequest.newBuilder().setInstanceId(INSTANCE).build())
                .getDatabasesCount())
        .isPositive();

    assertThat(FileScan.filesHolding(bed.root(), List.of(token.getToken()))).isEmpty();
  }

  /** A real control in a fresh directory (the agents' data lives there too); returns it. */
  private Path startBed() throws Exception {
    Path work =
        Files.createTempDirectory(
            "coffer-enrollment",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    bed = Testbed.start(work);
    return work;
  }

  /** The administrators' side of enrollment, with the admin client certificate. */
  private EnrollmentTokenServiceGrpc.EnrollmentTokenServiceBlockingStub admin() {
    return EnrollmentTokenServiceGrpc.newBlockingStub(
        bed.channel(bed.home().clientCert("admin"), bed.home().clientKey("admin")));
  }

  private EnrollResponse enroll(String token, String instance, String csr) {
    return EnrollmentServiceGrpc.newBlockingStub(anonymous)
        .enroll(
            EnrollRequest.newBuilder()
                .setToken(token)
                .setInstanceId(instance)
                .setCsrPem(csr)
                .build());
  }

  private Status.Code enrollError(String token, String instance, String csr) {
    StatusRuntimeException e =
        catchThrowableOfType(StatusRuntimeException.class, () -> enroll(token, instance, csr));
    assertThat(e).as("enrolling %s", instance).isNotNull();
    return e.getStatus().getCode();
  }

  private static KeyPair newKeyPair() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static String csr(KeyPair keys) throws Exception {
    return pem(
        new JcaPKCS10CertificationRequestBuilder(new X500Principal("CN=anything"), keys.getPublic())
            .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
  }

  /** A request naming {@code keys}' public key but signed with another private key. */
  private static String forged(KeyPair keys) throws Exception {
    return pem(
        new JcaPKCS10CertificationRequestBuilder(new X500Principal("CN=anything"), keys.getPublic())
            .build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(newKeyPair().getPrivate())));
  }

  private static String pem(Object object) throws Exception {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(object);
    }
    return out.toString();
  }

  @Test
  void anAgentStartedWithATokenEnrollsItselfAndTheTokenServesOnce() throws Exception {
    RedisProvider redis = RedisProvider.requireRedis();
    Path work = startBed();
    EnrollmentTokenServiceGrpc.EnrollmentTokenServiceBlockingStub admin = admin();
    String token =
        admin
            .createEnrollmentToken(
                CreateEnrollmentTokenRequest.newBuilder().setInstanceId(INSTANCE).build())
            .getToken();

    AgentConfig config = enrolling(work, redis, INSTANCE, token);
    AgentProcess agent = bed.startAgentProcess(config);
    bed.awaitHealthy(INSTANCE, Duration.ofSeconds(90));
    Path key = config.control().keyFile();
    assertThat(key).startsWith(config.stateDir());
    assertThat(Files.getPosixFilePermissions(key))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(
            Pem.readCertificates(config.control().certFile()).get(0).getSubjectAlternativeNames())
        .anySatisfy(san -> assertThat(san.get(1)).isEqualTo("coffer://instance/" + INSTANCE));

    // restarted, it uses its certificate: the spent token is not asked for again
    agent.terminate(Duration.ofSeconds(30));
    bed.startAgentProcess(config);
    bed.awaitHealthy(INSTANCE, Duration.ofSeconds(90));

    // the same token on another guest: refused, the agent exits with code 2 and says why
    AgentProcess second = bed.startAgentProcess(enrolling(work, redis, INSTANCE + "-2", token));
    assertThat(second.awaitExit(Duration.ofSeconds(60))).hasValue(2);
    assertThat(Files.readString(second.log()))
        .contains("PERMISSION_DENIED")
        .contains("was already used");
  }

  @Test
  void aGuestThatBootsBeforeItsControlIsReachableEnrollsOnceItIs() throws Exception {
    RedisProvider redis = RedisProvider.requireRedis();
    Path work = startBed();
    String token =
        admin()
            .createEnrollmentToken(
                CreateEnrollmentTokenRequest.newBuilder().setInstanceId(INSTANCE).build())
            .getToken();
    bed.stopControl();
    AgentProcess agent = bed.startAgentProcess(enrolling(work, redis, INSTANCE, token));
    Thread.sleep(4000);
    assertThat(agent.alive()).isTrue();
    assertThat(Files.readString(agent.log()))
        .contains("cannot reach the control's enrollment endpoint")
        .doesNotContain(token);
    bed.startControl();
    bed.awaitHealthy(INSTANCE, Duration.ofSeconds(90));
  }

  @Test
  void anAgentWhoseCertificateExpiredSaysSoAndEnrollsAgainWithANewToken() throws Exception {
    RedisProvider redis = RedisProvider.requireRedis();
    Path work = startBed();
    AgentConfig enrolling = enrolling(work, redis, INSTANCE, "cet_" + "x".repeat(43));
    Files.createDirectories(enrolling.control().certFile().getParent());
    bed.ca()
        .issueAgent(
            INSTANCE,
            Duration.ofSeconds(1),
            enrolling.control().certFile(),
            enrolling.control().keyFile());
    Thread.sleep(2000); // the certificate has expired: the agent was off too long

    AgentConfig.Control c = enrolling.control();
    AgentConfig withoutToken =
        new AgentConfig(
            INSTANCE,
            new AgentConfig.Control(
                c.host(), c.port(), c.caFile(), c.certFile(), c.keyFile(), c.maxBackoff()),
            enrolling.stateDir(),
            enrolling.pluginsDir(),
            enrolling.heartbeatInterval(),
            enrolling.datastore(),
            enrolling.backup());
    AgentProcess stale = bed.startAgentProcess(withoutToken);
    assertThat(stale.awaitExit(Duration.ofSeconds(60))).hasValue(2);
    assertThat(Files.readString(stale.log()))
        .contains("expired at")
        .contains("coffer enroll create --instance " + INSTANCE);

    String token =
        admin()
            .createEnrollmentToken(
                CreateEnrollmentTokenRequest.newBuilder().setInstanceId(INSTANCE).build())
            .getToken();
    bed.startAgentProcess(enrolling(work, redis, INSTANCE, token));
    bed.awaitHealthy(INSTANCE, Duration.ofSeconds(90));
    assertThat(Pem.readCertificates(c.certFile()).get(0).getNotAfter().toInstant())
        .isAfter(Instant.now().plus(Duration.ofHours(23))); // the control's 24 h default
  }

  private AgentConfig enrolling(Path work, RedisProvider redis, String instance, String token) {
    Path state = work.resolve("agents").resolve(instance);
    return new AgentConfig(
        instance,
        new AgentConfig.Control(
            "localhost",
            bed.agentPort(),
            bed.home().caCert(),
            state.resolve("tls/agent.pem"),
            state.resolve("tls/agent.key"),
            Duration.ofSeconds(2),
            new AgentConfig.Enrollment(token, "localhost", bed.apiPort())),
        state,
        redis.pluginsDir(),
        Duration.ofMillis(500),
        redis.datastore(work.resolve("data-" + instance), Ports.free()),
        new AgentConfig.Backup("local", bed.backupDir(), null));
  }
}
