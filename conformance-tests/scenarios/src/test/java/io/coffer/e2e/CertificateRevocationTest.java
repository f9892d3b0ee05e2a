package io.coffer.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.coffer.agent.Agent;
import io.coffer.agent.config.AgentConfig;
import io.coffer.proto.v1.CertificateServiceGrpc;
import io.coffer.proto.v1.GetInstanceRequest;
import io.coffer.proto.v1.InstanceState;
import io.coffer.proto.v1.InstanceStatus;
import io.coffer.proto.v1.ListRevocationsRequest;
import io.coffer.proto.v1.Revocation;
import io.coffer.proto.v1.RevokeCertificateRequest;
import io.coffer.tck.Ports;
import io.coffer.tck.Testbed;
import io.coffer.tck.redis.RedisProvider;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Revoking an agent's certificate on a real control, with a real agent (Redis plugin) connected
 * over mTLS: the live stream is closed within a second, the agent's reconnects are refused, also
 * after the control restarts, and a newly issued certificate lets the instance back in.
 */
class CertificateRevocationTest {
  private static final String INSTANCE = "rv-a";
  private Testbed bed;

  @AfterEach
  void stop() {
    if (bed != null) {
      bed.close();
    }
  }

  @Test
  void aRevokedCertificateIsCutOffAtOnceAndStaysRefusedAcrossARestart() throws Exception {
    RedisProvider redis = RedisProvider.requireRedis();
    Path work =
        Files.createTempDirectory(
            "coffer-revocation",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    bed = Testbed.start(work);
    AgentConfig.Datastore ds = redis.datastore(work.resolve(INSTANCE), Ports.free());
    Agent agent = bed.startAgent(bed.agentConfig(INSTANCE, redis.pluginsDir(), ds));
    InstanceStatus before = bed.awaitHealthy(INSTANCE, Duration.ofSeconds(60));
    assertThat(before.getCertificateSerial()).matches("[0-9a-f]+");
    assertThat(Instant.ofEpochSecond(before.getCertificateNotAfter().getSeconds()))
        .isAfter(Instant.now());

    Revocation revoked =
        certificates()
            .revokeCertificate(
                RevokeCertificateRequest.newBuilder()
                    .setInstanceId(INSTANCE)
                    .setReason("key leaked")
                    .build());
    long revokedAt = System.nanoTime();
    assertThat(revoked.getSerial()).isEqualTo(before.getCertificateSerial());
    assertThat(revoked.getInstanceId()).isEqualTo(INSTANCE);
    // the live stream is closed at once: the instance is no longer connected within a second
    while (state() == InstanceState.INSTANCE_STATE_CONNECTED) {
      assertThat(Duration.ofNanos(System.nanoTime() - revokedAt)).isLessThan(Duration.ofSeconds(1));
      Thread.sleep(20);
    }
    // the agent keeps reconnecting (every ~2 s at most) and is refused each time
    assertStaysDisconnected(Duration.ofSeconds(6));

    bed.stopControl();
    bed.startControl(); // same state directory and ports
    assertThat(
            certificates()
                .listRevocations(ListRevocationsRequest.getDefaultInstance())
                .getRevocationsList())
        .extracting(Revocation::getSerial, Revocation::getReason)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(revoked.getSerial(), "key leaked"));
    assertStaysDisconnected(Duration.ofSeconds(6));

    // a new certificate for the instance lets its agent back in
    agent.close();
    Files.delete(bed.home().agentCert(INSTANCE)); // the CA never overwrites a certificate
    Files.delete(bed.home().agentKey(INSTANCE));
    AgentConfig renewed = bed.agentConfig(INSTANCE, redis.pluginsDir(), ds);
    bed.startAgent(renewed);
    InstanceStatus after = bed.awaitHealthy(INSTANCE, Duration.ofSeconds(60));
    assertThat(after.getCertificateSerial()).isNotEqualTo(revoked.getSerial());
  }

  @Test
  void badRequestsAreRefusedNamingTheField() throws Exception {
    Path work =
        Files.createTempDirectory(
            "coffer-revocation",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    bed = Testbed.start(work);
    assertThat(refused(RevokeCertificateRequest.newBuilder().setInstanceId("a").setSerial("1f")))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(refused(RevokeCertificateRequest.newBuilder()))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(refused(RevokeCertificateRequest.newBuilder().setSerial("not-hex")))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(refused(RevokeCertificateRequest.newBuilder().setInstanceId("never-seen")))
        .isEqualTo(Status.Code.NOT_FOUND);
    assertThat(
            certificates()
                .listRevocations(ListRevocationsRequest.getDefaultInstance())
                .getRevocationsList())
        .isEmpty();
    // by serial, for a certificate no agent presented yet: refused from its first connection on
    assertThat(
            certificates()
                .revokeCertificate(
                    RevokeCertificateRequest.newBuilder().setSerial("0x00AB:CD").build())
                .getSerial())
        .isEqualTo("abcd");
  }

  private Status.Code refused(RevokeCertificateRequest.Builder request) {
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class, () -> certificates().revokeCertificate(request.build()));
    assertThat(e).isNotNull();
    return e.getStatus().getCode();
  }

  private void assertStaysDisconnected(Duration window) throws InterruptedException {
    long end = System.nanoTime() + window.toNanos();
    while (System.nanoTime() < end) {
      assertThat(state()).isNotEqualTo(InstanceState.INSTANCE_STATE_CONNECTED);
      Thread.sleep(200);
    }
  }

  private InstanceState state() {
    try {
      return bed.instances()
          .getInstance(GetInstanceRequest.newBuilder().setInstanceId(INSTANCE).build())
          .getState();
    } catch (StatusRuntimeException e) {
      return InstanceState.INSTANCE_STATE_UNREACHABLE; // not known to a freshly started control
    }
  }

  private CertificateServiceGrpc.CertificateServiceBlockingStub certificates() {
    return bed.certificates();
  }
}
