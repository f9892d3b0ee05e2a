package io.coffer.tck.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.proto.v1.ClusterNode;
import io.coffer.proto.v1.ClusterStatus;
import io.coffer.proto.v1.CommandOptions;
import io.coffer.proto.v1.CreateClusterRequest;
import io.coffer.proto.v1.GetClusterRequest;
import io.coffer.proto.v1.GetWorkflowRequest;
import io.coffer.proto.v1.Workflow;
import io.coffer.proto.v1.WorkflowState;
import io.coffer.tck.Testbed;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A cluster workflow survives a SIGKILL of the control process in its middle: the restarted control
 * resumes it at the step it was in (each step's commands carry ids derived from the workflow, so a
 * repeated step joins the journaled command instead of running again), and the cluster ends whole,
 * every node in it once.
 */
class RedisClusterControlKillTest {
  private static final String USER = "app";
  private static final String PASSWORD = "cluster-kill-pass";
  private static final List<String> IDS = List.of("rk-a", "rk-b", "rk-c");
  private static final int KEYS = 1_000;

  private Testbed bed;

  @AfterEach
  void stop() {
    if (bed != null) {
      bed.close();
    }
  }

  @Test
  void aCreateInterruptedByAControlKill9ResumesAndFormsTheClusterOnce() throws Exception {
    Path work =
        Files.createTempDirectory(
            "coffer-redis-cluster-kill",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    bed = Testbed.startWithControlProcess(work);
    Map<String, Integer> ports = RedisClusterNodes.start(bed, work, IDS, USER, PASSWORD);

    Workflow started =
        bed.clusters()
            .createCluster(
                CreateClusterRequest.newBuilder()
                    .setDatastore("redis")
                    .addAllInstanceIds(IDS)
                    .setOptions(CommandOptions.newBuilder().setCommandId("cluster-kill-1"))
                    .build());
    Workflow atKill = awaitStepsDone(started.getWorkflowId(), 1);
    bed.killControlProcess();
    assertThat(atKill.getState())
        .as("the kill must land in the middle of the workflow")
        .isEqualTo(WorkflowState.WORKFLOW_STATE_RUNNING);
    System.out.printf(
        "control killed at step %d/%d (%s)%n",
        atKill.getStepsDone() + 1, atKill.getStepCount(), atKill.getStepName());
    Thread.sleep(500);
    bed.startControlProcess(); // same ports and state directory; the agents reconnect by themselves

    Workflow w = bed.awaitWorkflow(started.getWorkflowId(), Duration.ofMinutes(5));
    assertThat(w.getState()).as(w.getError()).isEqualTo(WorkflowState.WORKFLOW_STATE_SUCCEEDED);
    ClusterStatus s =
        bed.clusters()
            .getCluster(GetClusterRequest.newBuilder().setMemberInstanceId("rk-a").build());
    assertThat(s.getState()).isEqualTo("ok");
    assertThat(s.getSlotsOk()).isEqualTo(16384);
    assertThat(s.getNodesList())
        .extracting(ClusterNode::getInstanceId)
        .containsExactlyInAnyOrderElementsOf(IDS);
    for (String id : IDS) { // formed once: no node left out, none met twice under another id
      try (var c = RedisProvider.connect(ports.get(id), USER, PASSWORD)) {
        assertThat(c.sync().clusterInfo())
            .as(id)
            .contains("cluster_known_nodes:3")
            .contains("cluster_state:ok");
      }
    }
    RedisClusterClient client =
        RedisClusterClient.create(
            RedisURI.builder()
                .withHost("127.0.0.1")
                .withPort(ports.get("rk-b"))
                .withAuthentication(USER, PASSWORD.toCharArray())
                .withTimeout(Duration.ofSeconds(10))
                .build());
    try (StatefulRedisClusterConnection<String, String> c = client.connect()) {
      for (int i = 0; i < KEYS; i++) {
        c.sync().set("key:" + i, "value-" + i);
      }
      for (int i = 0; i < KEYS; i++) {
        assertThat(c.sync().get("key:" + i)).isEqualTo("value-" + i);
      }
    } finally {
      client.shutdown();
    }
  }

  /** Polls closely, so that the kill lands while the workflow runs. */
  private Workflow awaitStepsDone(String id, int steps) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    Workflow w;
    do {
      w = workflow(id);
      if (w.getStepsDone() >= steps || w.getState() != WorkflowState.WORKFLOW_STATE_RUNNING) {
        return w;
      }
      Thread.sleep(10);
    } while (System.nanoTime() < end);
    throw new AssertionError("workflow " + id + " never got past step " + steps + ": " + w);
  }

  private Workflow workflow(String id) {
    return bed.replication().getWorkflow(GetWorkflowRequest.newBuilder().setWorkflowId(id).build());
  }
}
