package io.coffer.tck.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.proto.v1.CreateReplicaRequest;
import io.coffer.proto.v1.Event;
import io.coffer.proto.v1.Role;
import io.coffer.proto.v1.Workflow;
import io.coffer.proto.v1.WorkflowState;
import io.coffer.tck.Ports;
import io.coffer.tck.RootLogin;
import io.coffer.tck.Testbed;
import io.coffer.tck.process.AgentProcess;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Redis replication groups fail over on their own too (what Sentinel does, driven by the control):
 * the primary's agent and server are killed, the replica is promoted, and it holds the keys written
 * before (Redis replicates asynchronously: those it had received).
 */
class RedisAutomaticFailoverTest {
  @Test
  void aKilledPrimaryIsReplacedByItsReplicaWithNoCommandFromAnyone() throws Exception {
    RedisProvider redis = RedisProvider.requireRedis();
    Path work =
        Files.createTempDirectory(
            "coffer-redis-ha",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    try (Testbed bed = Testbed.start(work)) {
      int portA = Ports.free();
      int portB = Ports.free();
      AgentProcess primary =
          bed.startAgentProcess(
              bed.agentConfig(
                  "rh-a", redis.pluginsDir(), redis.datastore(work.resolve("rh-a"), portA)));
      bed.startAgent(
          bed.agentConfig(
              "rh-b", redis.pluginsDir(), redis.datastore(work.resolve("rh-b"), portB)));
      bed.awaitHealthy("rh-a", Duration.ofSeconds(60));
      bed.awaitHealthy("rh-b", Duration.ofSeconds(60));
      Workflow created =
          bed.awaitWorkflow(
              bed.replication()
                  .createReplica(
                      CreateReplicaRequest.newBuilder()
                          .setSourceInstanceId("rh-a")
                          .setInstanceId("rh-b")
                          .build())
                  .getWorkflowId(),
              Duration.ofMinutes(3));
      assertThat(created.getState())
          .as(created.getError())
          .isEqualTo(WorkflowState.WORKFLOW_STATE_SUCCEEDED);
      RootLogin rootA = bed.enableRoot("rh-a");
      try (StatefulRedisConnection<String, String> c =
          RedisProvider.connect(portA, rootA.name(), rootA.password())) {
        for (int i = 0; i < 100; i++) {
          c.sync().set("k" + i, "v" + i);
        }
        // asynchronous: only what the replica received survives; WAIT makes sure it has it all
        assertThat(c.sync().waitForReplication(1, 30_000)).isEqualTo(1L);
      }

      List<ProcessHandle> server = primary.descendants();
      primary.kill9();
      server.forEach(ProcessHandle::destroyForcibly);

      Event completed = bed.awaitEvent("failover_completed", Duration.ofSeconds(90));
      assertThat(completed.getDetailsMap())
          .containsEntry("new_primary", "rh-b")
          .containsEntry("term", "2");
      bed.awaitRole("rh-b", Role.ROLE_STANDALONE, Duration.ofSeconds(30));
      RootLogin rootB = bed.enableRoot("rh-b"); // Redis replicas do not carry ACL users
      try (StatefulRedisConnection<String, String> c =
          RedisProvider.connect(portB, rootB.name(), rootB.password())) {
        assertThat(c.sync().get("k99")).isEqualTo("v99");
        c.sync().set("after", "the failover"); // the promoted replica takes writes
        assertThat(c.sync().get("after")).isEqualTo("the failover");
      }
    }
  }
}
