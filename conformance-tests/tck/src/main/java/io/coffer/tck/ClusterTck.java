package io.coffer.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.coffer.proto.v1.ClusterNode;
import io.coffer.proto.v1.ClusterStatus;
import io.coffer.proto.v1.CreateClusterRequest;
import io.coffer.proto.v1.GetClusterRequest;
import io.coffer.proto.v1.GrowClusterRequest;
import io.coffer.proto.v1.ShrinkClusterRequest;
import io.coffer.proto.v1.Workflow;
import io.coffer.proto.v1.WorkflowState;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The engine-agnostic cluster suite, through the northbound API on four real servers: create a
 * cluster of three, a write through one member is read through another; grow to four, the new
 * member serves what was written before and what is written through it; shrink to three, the rest
 * keep everything; and bad requests are refused naming the field, leaving the cluster as it was.
 * Synchronous multi-primary clusters (Galera) and sharded ones (Redis Cluster) pass the same
 * checks: the provider's {@link ClusterData} reads and writes as the engine's clients do.
 */
@Checks(Area.CLUSTER)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class ClusterTck extends TckSuite {
  private static final Duration WORKFLOW = Duration.ofMinutes(5);
  private static final Duration CONVERGE = Duration.ofSeconds(30);

  /** The same superuser password on every member: a synchronous cluster shares its accounts. */
  private static final String ROOT_PASSWORD = "Cluster-root-9f2c";

  private static final List<String> MEMBERS = List.of("cl-a", "cl-b", "cl-c", "cl-d");

  protected Testbed bed;
  protected DatastoreProvider provider;
  private final Map<String, Integer> ports = new LinkedHashMap<>();
  private ClusterData data;

  @BeforeAll
  void startMembers() throws Exception {
    provider = provider();
    if (knownUndeclared(provider, Area.CLUSTER)) {
      return; // no server to start: an earlier suite saw the plugin leave it out
    }
    Path work =
        Files.createTempDirectory(
            "coffer-cluster-tck-" + provider.engine(),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    bed = Testbed.start(work);
    for (String id : MEMBERS) {
      int port = portPair();
      ports.put(id, port);
      var member = provider.clusterMember(work.resolve(id), port);
      if (declared() == null) { // the first instance says what the plugin declares
        bed.startAgent(
            bed.agentConfig(
                id,
                provider.pluginsDir(),
                member != null ? member : provider.datastore(work.resolve(id), port)));
        if (!declare(bed.awaitHealthy(id, Duration.ofSeconds(90)), Area.CLUSTER)) {
          return;
        }
      }
      assertThat(member)
          .as(
              "the %s plugin declares CLUSTER: its DatastoreProvider must describe a member "
                  + "(clusterMember)",
              provider.engine())
          .isNotNull();
      if (!id.equals(MEMBERS.get(0))) {
        bed.startAgent(bed.agentConfig(id, provider.pluginsDir(), member));
      }
    }
    String user = null;
    for (String id : MEMBERS) {
      bed.awaitHealthy(id, Duration.ofSeconds(90));
      user = bed.enableRoot(id, ROOT_PASSWORD).name();
    }
    data = provider.clusterData(Map.of("cl-a", ports.get("cl-a")), user, ROOT_PASSWORD);
    assertThat(data)
        .as(
            "the %s plugin declares CLUSTER: its DatastoreProvider must give clusterData",
            provider.engine())
        .isNotNull();
  }

  @AfterAll
  void stop() throws Exception {
    if (data != null) {
      data.close();
    }
    if (bed != null) {
      bed.close();
    }
  }

  @Test
  @Order(1)
  void threeMembersFormAClusterAndAWriteThroughOneIsReadThroughAnother() throws Exception {
    Workflow w =
        run(
            bed.clusters()
                .createCluster(
                    CreateClusterRequest.newBuilder()
                        .setDatastore(provider.engine())
                        .addAllInstanceIds(List.of("cl-a", "cl-b", "cl-c"))
                        .build()));
    assertThat(w.getState()).as(w.getError()).isEqualTo(WorkflowState.WORKFLOW_STATE_SUCCEEDED);
    assertThat(members("cl-a")).containsExactlyInAnyOrder("cl-a", "cl-b", "cl-c");
    data.memberAdded("cl-b", ports.get("cl-b"));
    data.memberAdded("cl-c", ports.get("cl-c"));

    data.write("cl-a", "tck:one", "written through cl-a");
    awaitValue("cl-c", "tck:one", "written through cl-a");
  }

  @Test
  @Order(2)
  void aGrownMemberServesEarlierWritesAndItsOwn() throws Exception {
    Workflow w =
        run(
            bed.clusters()
                .growCluster(
                    GrowClusterRequest.newBuilder()
                        .setMemberInstanceId("cl-a")
                        .setInstanceId("cl-d")
                        .build()));
    assertThat(w.getState()).as(w.getError()).isEqualTo(WorkflowState.WORKFLOW_STATE_SUCCEEDED);
    assertThat(members("cl-a")).containsExactlyInAnyOrder("cl-a", "cl-b", "cl-c", "cl-d");
    data.memberAdded("cl-d", ports.get("cl-d"));

    awaitValue("cl-d", "tck:one", "written through cl-a");
    data.write("cl-d", "tck:two", "written through cl-d");
    awaitValue("cl-b", "tck:two", "written through cl-d");
  }

  @Test
  @Order(3)
  void aShrunkClusterKeepsEverythingOnTheRest() throws Exception {
    Workflow w =
        run(
            bed.clusters()
                .shrinkCluster(
                    ShrinkClusterRequest.newBuilder()
                        .setMemberInstanceId("cl-a")
                        .setInstanceId("cl-b")
                        .build()));
    assertThat(w.getState()).as(w.getError()).isEqualTo(WorkflowState.WORKFLOW_STATE_SUCCEEDED);
    assertThat(members("cl-a")).containsExactlyInAnyOrder("cl-a", "cl-c", "cl-d");

    awaitValue("cl-c", "tck:one", "written through cl-a");
    awaitValue("cl-a", "tck:two", "written through cl-d");
  }

  @Test
  @Order(4)
  void badRequestsAreRefusedNamingTheFieldAndTheClusterStaysAsItWas() {
    List<String> before = members("cl-a");
    assertThat(
            refused(
                () ->
                    bed.clusters()
                        .createCluster(
                            CreateClusterRequest.newBuilder()
                                .setDatastore(provider.engine())
                                .build())))
        .contains("instance_ids");
    assertThat(
            refused(
                () ->
                    bed.clusters()
                        .growCluster(
                            GrowClusterRequest.newBuilder().setMemberInstanceId("cl-a").build())))
        .contains("instance_id");
    assertThat(
            refused(
                () ->
                    bed.clusters()
                        .shrinkCluster(
                            ShrinkClusterRequest.newBuilder().setInstanceId("cl-c").build())))
        .contains("member_instance_id");
    StatusRuntimeException unknown =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                bed.clusters()
                    .growCluster(
                        GrowClusterRequest.newBuilder()
                            .setMemberInstanceId("cl-a")
                            .setInstanceId("no-such-instance")
                            .build()));
    assertThat(unknown).isNotNull();
    assertThat(unknown.getStatus().getCode())
        .isIn(Status.Code.NOT_FOUND, Status.Code.INVALID_ARGUMENT);
    assertThat(members("cl-a")).isEqualTo(before);
  }

  // ---- helpers ----

  private String refused(Runnable call) {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
    assertThat(e).isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    return e.getStatus().getDescription();
  }

  private List<String> members(String member) {
    ClusterStatus s =
        bed.clusters()
            .getCluster(GetClusterRequest.newBuilder().setMemberInstanceId(member).build());
    return s.getNodesList().stream().map(ClusterNode::getInstanceId).sorted().toList();
  }

  /**
   * A synchronous cluster applies a write on every member at commit and a sharded one routes it, so
   * the value is there at once; the wait covers a client still learning the new topology.
   */
  private void awaitValue(String member, String key, String expected) throws Exception {
    long end = System.nanoTime() + CONVERGE.toNanos();
    String last = null;
    Exception failure = null;
    while (System.nanoTime() < end) {
      try {
        last = data.read(member, key);
        failure = null;
      } catch (Exception e) { // a client may meet the old topology once more right after a change
        failure = e;
      }
      if (expected.equals(last)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        key + " through " + member + " is " + last + ", not " + expected + " within " + CONVERGE,
        failure);
  }

  private Workflow run(Workflow started) throws InterruptedException {
    return bed.awaitWorkflow(started.getWorkflowId(), WORKFLOW);
  }

  /**
   * A port whose +10000 neighbour is free too (Redis Cluster's bus), both below Linux's ephemeral
   * range, so no outgoing connection of this run takes one between this check and the start.
   */
  private int portPair() {
    Random random = new Random();
    for (int attempt = 0; attempt < 1000; attempt++) {
      int p = 20_000 + random.nextInt(2_700);
      if (!ports.containsValue(p) && Ports.isFree(p) && Ports.isFree(p + 10_000)) {
        return p;
      }
    }
    throw new IllegalStateException("no free port pair (p, p+10000) between 20000 and 32767");
  }
}
