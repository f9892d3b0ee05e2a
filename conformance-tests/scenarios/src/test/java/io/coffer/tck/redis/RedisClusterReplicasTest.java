package io.coffer.tck.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.proto.v1.ClusterNode;
import io.coffer.proto.v1.ClusterStatus;
import io.coffer.proto.v1.CreateClusterRequest;
import io.coffer.proto.v1.GetClusterRequest;
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
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Redis Cluster with a replica per primary ({@code replicas_per_primary}) on six real nodes: too
 * few nodes for the replicas asked is refused with every node left alone; six nodes form three
 * primaries serving every slot, each followed by one replica that holds its primary's keys.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterReplicasTest {
  private static final Duration WORKFLOW = Duration.ofMinutes(5);
  private static final String USER = "app";
  private static final String PASSWORD = "cluster-replicas-pass";
  private static final List<String> IDS = List.of("rr-a", "rr-b", "rr-c", "rr-d", "rr-e", "rr-f");
  private static final int KEYS = 3_000;

  private Testbed bed;
  private Map<String, Integer> ports;

  @BeforeAll
  void startNodes() throws Exception {
    Path work =
        Files.createTempDirectory(
            "coffer-redis-replicas",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    bed = Testbed.start(work);
    ports = RedisClusterNodes.start(bed, work, IDS, USER, PASSWORD);
  }

  @AfterAll
  void stop() {
    if (bed != null) {
      bed.close();
    }
  }

  @Test
  @Order(1)
  void tooFewNodesForTheReplicasAskedIsRefusedAndNoNodeJoinsAnything() throws Exception {
    Workflow w = create(2); // 3 primaries with 2 replicas each need 9 nodes
    assertThat(w.getState()).isEqualTo(WorkflowState.WORKFLOW_STATE_FAILED);
    assertThat(w.getError()).contains("at least 3 primaries").contains("2 replicas");
    for (String id : IDS) {
      try (var c = RedisProvider.connect(ports.get(id), USER, PASSWORD)) {
        assertThat(c.sync().clusterInfo()).as(id).contains("cluster_known_nodes:1");
      }
    }
  }

  @Test
  @Order(2)
  void sixNodesFormThreePrimariesEachFollowedByAReplicaHoldingItsKeys() throws Exception {
    Workflow w = create(1);
    assertThat(w.getState()).as(w.getError()).isEqualTo(WorkflowState.WORKFLOW_STATE_SUCCEEDED);
    ClusterStatus s =
        bed.clusters()
            .getCluster(GetClusterRequest.newBuilder().setMemberInstanceId("rr-a").build());
    assertThat(s.getState()).isEqualTo("ok");
    assertThat(s.getSlotsOk()).isEqualTo(16384);
    assertThat(s.getNodesList())
        .extracting(ClusterNode::getInstanceId)
        .containsExactlyInAnyOrderElementsOf(IDS);
    Map<String, ClusterNode> primaries =
        s.getNodesList().stream()
            .filter(ClusterNode::getPrimary)
            .collect(Collectors.toMap(ClusterNode::getNodeId, Function.identity()));
    List<ClusterNode> replicas = s.getNodesList().stream().filter(n -> !n.getPrimary()).toList();
    assertThat(primaries.values())
        .hasSize(3)
        .allSatisfy(n -> assertThat(n.getSlots()).isBetween(5400, 5500));
    assertThat(replicas).hasSize(3).allSatisfy(n -> assertThat(n.getSlots()).isZero());
    assertThat(replicas)
        .extracting(ClusterNode::getPrimaryId)
        .as("each primary has exactly one replica")
        .containsExactlyInAnyOrderElementsOf(primaries.keySet());

    RedisClusterClient client =
        RedisClusterClient.create(
            RedisURI.builder()
                .withHost("127.0.0.1")
                .withPort(ports.get("rr-a"))
                .withAuthentication(USER, PASSWORD.toCharArray())
                .withTimeout(Duration.ofSeconds(10))
                .build());
    try (StatefulRedisClusterConnection<String, String> c = client.connect()) {
      for (int i = 0; i < KEYS; i++) {
        c.sync().set("key:" + i, "value-" + i);
      }
    } finally {
      client.shutdown();
    }
    long onPrimaries = primaries.values().stream().mapToLong(p -> keysOn(p.getInstanceId())).sum();
    assertThat(onPrimaries).isEqualTo(KEYS);
    for (ClusterNode replica : replicas) {
      String primary = primaries.get(replica.getPrimaryId()).getInstanceId();
      awaitKeys(replica.getInstanceId(), keysOn(primary));
    }
  }

  private Workflow create(int replicasPerPrimary) throws InterruptedException {
    Workflow started =
        bed.clusters()
            .createCluster(
                CreateClusterRequest.newBuilder()
                    .setDatastore("redis")
                    .addAllInstanceIds(IDS)
                    .setReplicasPerPrimary(replicasPerPrimary)
                    .build());
    return bed.awaitWorkflow(started.getWorkflowId(), WORKFLOW);
  }

  /** Keys stored on one node, asked of that node alone (a replica answers DBSIZE too). */
  private long keysOn(String instance) {
    try (var c = RedisProvider.connect(ports.get(instance), USER, PASSWORD)) {
      return c.sync().dbsize();
    }
  }

  private void awaitKeys(String replica, long expected) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(30);
    long seen = keysOn(replica);
    while (seen != expected && Instant.now().isBefore(deadline)) {
      Thread.sleep(200);
      seen = keysOn(replica);
    }
    assertThat(seen).as("keys on replica %s, as on its primary", replica).isEqualTo(expected);
  }
}
