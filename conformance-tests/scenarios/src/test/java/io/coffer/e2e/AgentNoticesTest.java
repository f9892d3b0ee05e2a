package io.coffer.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.agent.config.AgentConfig;
import io.coffer.proto.v1.Event;
import io.coffer.proto.v1.GetInstanceRequest;
import io.coffer.proto.v1.InstanceStatus;
import io.coffer.tck.Ports;
import io.coffer.tck.Testbed;
import io.coffer.tck.redis.RedisProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's own warnings, from a real agent and a real Redis: its certificate, issued for 10
 * days, is within the 30-day warning period, and its data volume is fuller than a 1% threshold;
 * both events reach the control's journal with their figures, and the heartbeat carries them.
 */
class AgentNoticesTest {
  Path dir;
  Testbed bed;

  @AfterEach
  void stop() {
    if (bed != null) {
      bed.close(); // removes its root, the agent's directories with it
    }
  }

  @Test
  void aNearlyFullVolumeAndAnExpiringCertificateAreReported() throws Exception {
    RedisProvider redis = RedisProvider.requireRedis();
    // the server runs as its own OS account: it must reach its data directory
    dir =
        Files.createTempDirectory(
            "coffer-notices",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    bed = Testbed.start(dir);
    AgentConfig config =
        bed.agentConfig(
                "noticed",
                redis.pluginsDir(),
                redis.datastore(dir.resolve("noticed"), Ports.free()))
            .withNotices(new AgentConfig.Notices(1, Duration.ofDays(30)));
    Files.delete(config.control().certFile()); // re-issued for 10 days instead of 90
    Files.delete(config.control().keyFile());
    Instant end =
        bed.ca()
            .issueAgent(
                "noticed",
                Duration.ofDays(10),
                config.control().certFile(),
                config.control().keyFile())
            .certificate()
            .getNotAfter()
            .toInstant();
    bed.startAgent(config);

    Event certificate = bed.awaitEvent("certificate_near_expiry", Duration.ofSeconds(60));
    assertThat(certificate.getInstanceId()).isEqualTo("noticed");
    assertThat(certificate.getDetailsMap())
        .containsEntry("not_after", end.toString())
        .containsEntry("days_left", "9");
    Event storage = bed.awaitEvent("storage_nearly_full", Duration.ofSeconds(60));
    assertThat(storage.getInstanceId()).isEqualTo("noticed");
    assertThat(storage.getDetailsMap())
        .containsEntry("threshold_percent", "1")
        .containsKeys("used_percent", "free_bytes", "total_bytes", "path");
    assertThat(Double.parseDouble(storage.getDetailsOrThrow("used_percent")))
        .isGreaterThanOrEqualTo(1.0);

    InstanceStatus s =
        bed.instances()
            .getInstance(GetInstanceRequest.newBuilder().setInstanceId("noticed").build());
    for (int i = 0;
        i < 50 && !s.containsMetrics("certificate_days_left");
        i++) { // the heartbeat after the check
      Thread.sleep(200);
      s =
          bed.instances()
              .getInstance(GetInstanceRequest.newBuilder().setInstanceId("noticed").build());
    }
    assertThat(s.getMetricsMap()).as(s.toString()).containsKey("certificate_days_left");
    assertThat(s.getMetricsOrThrow("certificate_days_left")).isBetween(9.0, 10.0);
    assertThat(s.getMetricsOrThrow("storage_used_percent")).isGreaterThanOrEqualTo(1.0);
  }
}
