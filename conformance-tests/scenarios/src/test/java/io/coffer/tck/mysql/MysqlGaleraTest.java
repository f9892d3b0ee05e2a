package io.coffer.tck.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.agent.Agent;
import io.coffer.agent.config.AgentConfig;
import io.coffer.plugin.kit.testing.Prerequisites;
import io.coffer.proto.v1.ClusterNode;
import io.coffer.proto.v1.ClusterStatus;
import io.coffer.proto.v1.CreateClusterRequest;
import io.coffer.proto.v1.CreateDatabaseRequest;
import io.coffer.proto.v1.CreateUserRequest;
import io.coffer.proto.v1.Database;
import io.coffer.proto.v1.Event;
import io.coffer.proto.v1.GetClusterRequest;
import io.coffer.proto.v1.GetInstanceRequest;
import io.coffer.proto.v1.GrowClusterRequest;
import io.coffer.proto.v1.RecoverClusterRequest;
import io.coffer.proto.v1.ShrinkClusterRequest;
import io.coffer.proto.v1.Workflow;
import io.coffer.proto.v1.WorkflowState;
import io.coffer.tck.Ports;
import io.coffer.tck.Testbed;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A MariaDB Galera cluster through the northbound API, on four real mariadbd servers with galera-4,
 * all on loopback with their own client, gmcast, IST and SST ports: create from three (the first
 * keeps its data, the others receive it by SST with mariabackup), grow to four, shrink back to
 * three (a graceful leave), a node killed with SIGKILL rejoins by IST, a node with data of its own
 * is refused, and the whole cluster killed at once comes back by itself. Every check reads rows
 * back from every node and compares CHECKSUM TABLE.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MysqlGaleraTest {
  private static final Duration WORKFLOW = Duration.ofMinutes(10);
  private static final String DB = "shop";
  private static final String USER = "app";
  private static final String PASSWORD = "galera-app-pass";
  private static final List<String> NODES = List.of("gal-a", "gal-b", "gal-c", "gal-d");

  private Testbed bed;
  private Path work;
  private final Map<String, Integer> ports = new LinkedHashMap<>();
  private final Map<String, AgentConfig> configs = new LinkedHashMap<>();
  private final Map<String, Agent> agents = new LinkedHashMap<>();
  private int written;

  @BeforeAll
  void startNodes() throws Exception {
    MysqlProvider provider = MysqlProvider.requireMariadb();
    Prerequisites.require(
        Files.exists(Path.of("/usr/lib/galera/libgalera_smm.so")),
        "galera-4 is not installed (apt-get install galera-4)");
    work =
        Files.createTempDirectory(
            "coffer-galera",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    bed = Testbed.start(work);
    for (String id : NODES) {
      int port = Ports.free();
      ports.put(id, port);
      Map<String, String> settings =
          Map.of(
              "galeraPort",
              Integer.toString(Ports.freeForLater()),
              "galeraIstPort",
              Integer.toString(Ports.freeForLater()),
              "galeraSstPort",
              Integer.toString(Ports.freeForLater()),
              "innodbBufferPoolSize",
              "64M");
      AgentConfig.Datastore ds =
          new AgentConfig.Datastore(
              "mysql",
              work.resolve(id).resolve("data"),
              work.resolve(id).resolve("run"),
              "127.0.0.1",
              port,
              "",
              settings);
      configs.put(id, bed.agentConfig(id, provider.pluginsDir(), ds));
      agents.put(id, bed.startAgent(configs.get(id)));
    }
    for (String id : NODES) {
      bed.awaitHealthy(id, Duration.ofSeconds(90));
    }
    // the first node's data becomes the cluster's: the application's database, account and rows
    bed.databases()
        .createDatabase(
            CreateDatabaseRequest.newBuilder()
                .setInstanceId("gal-a")
                .setDatabase(Database.newBuilder().setName(DB))
                .build());
    bed.users()
        .createUser(
            CreateUserRequest.newBuilder()
                .setInstanceId("gal-a")
                .setName(USER)
                .setHost("%")
                .setPassword(PASSWORD)
                .addDatabases(DB)
                .build());
    try (Connection c = connect("gal-a");
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, node VARCHAR(16), n INT, note TEXT)");
    }
    insert("gal-a", 200);
  }

  @AfterAll
  void stop() {
    if (bed != null) {
      bed.close();
    }
  }

  @Test
  @Order(1)
  void threeNodesFormAClusterAndEveryWriteIsOnEveryNode() throws Exception {
    Workflow w =
        run(
            bed.clusters()
                .createCluster(
                    CreateClusterRequest.newBuilder()
                        .setDatastore("mysql")
                        .addAllInstanceIds(List.of("gal-a", "gal-b", "gal-c"))
                        .build()));
    assertThat(w.getState()).as(w.getError()).isEqualTo(WorkflowState.WORKFLOW_STATE_SUCCEEDED);
    ClusterStatus s = status("gal-a");
    assertThat(s.getEnabled()).isTrue();
    assertThat(s.getState()).isEqualTo("Primary");
    assertThat(s.getNodeState()).isEqualTo("Synced");
    assertThat(s.getSize()).isEqualTo(3);
    assertThat(s.getNodesList())
        .extracting(ClusterNode::getInstanceId)
        .containsExactlyInAnyOrder("gal-a", "gal-b", "gal-c");

    // the joiners received the first node's rows by SST; then writes on any node reach all
    assertSame(List.of("gal-a", "gal-b", "gal-c"));
    for (String node : List.of("gal-a", "gal-b", "gal-c")) {
      insert(node, 100);
    }
    assertSame(List.of("gal-a", "gal-b", "gal-c"));
    awaitMetric("gal-b", "galera_cluster_size", 3);
  }

  @Test
  @Order(2)
  void growingToFourGivesTheNewNodeEveryRow() throws Exception {
    Workflow w =
        run(
            bed.clusters()
                .growCluster(
                    GrowClusterRequest.newBuilder()
                        .setMemberInstanceId("gal-a")
                        .setInstanceId("gal-d")
                        .build()));
    assertThat(w.getState()).as(w.getError()).isEqualTo(WorkflowState.WORKFLOW_STATE_SUCCEEDED);
    ClusterStatus s = status("gal-d");
    assertThat(s.getSize()).isEqualTo(4);
    assertThat(s.getNodeState()).isEqualTo("Synced");
    assertThat(s.getNodesList())
        .extracting(ClusterNode::getInstanceId)
        .containsExactlyInAnyOrder("gal-a", "gal-b", "gal-c", "gal-d");
    insert("gal-d", 100);
    assertSame(NODES);
  }

  @Test
  @Order(3)
  void shrinkingBackToThreeIsAGracefulLeaveThatKeepsEveryRow() throws Exception {
    Workflow w =
        run(
            bed.clusters()
                .shrinkCluster(
                    ShrinkClusterRequest.newBuilder()
                        .setMemberInstanceId("gal-a")
                        .setInstanceId("gal-b")
                        .build()));
    assertThat(w.getState()).as(w.getError()).isEqualTo(WorkflowState.WORKFLOW_STATE_SUCCEEDED);
    ClusterStatus s = status("gal-a");
    assertThat(s.getSize()).isEqualTo(3);
    assertThat(s.getState()).isEqualTo("Primary");
    assertThat(s.getNodesList())
        .extracting(ClusterNode::getInstanceId)
        .containsExactlyInAnyOrder("gal-a", "gal-c", "gal-d");
    // the leaver runs alone, with the rows it had when it left
    assertThat(status("gal-b").getEnabled()).isFalse();
    bed.awaitHealthy("gal-b", Duration.ofSeconds(60));
    assertThat(count("gal-b")).isEqualTo(written);
    insert("gal-c", 50);
    assertSame(List.of("gal-a", "gal-c", "gal-d"));
    assertThat(count("gal-b")).isEqualTo(written - 50);
  }

  @Test
  @Order(4)
  void aNodeKilledWithSigkillRejoinsByIst() throws Exception {
    Path log = work.resolve("gal-c").resolve("run").resolve("mariadb.err");
    long before = Files.size(log);
    long pid =
        Long.parseLong(
            Files.readString(work.resolve("gal-c").resolve("run").resolve("mysqld.pid")).trim());
    ProcessHandle server = ProcessHandle.of(pid).orElseThrow();
    new ProcessBuilder("kill", "-KILL", Long.toString(pid)).start().waitFor();
    server.onExit().get();
    // the two others keep quorum (2 of 3) and take writes while it is down
    insert("gal-a", 100);
    insert("gal-d", 100);
    // the agent restarts its server, which recovers its position and asks for the missing writesets
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    List<String> members = List.of("gal-a", "gal-c", "gal-d");
    while (status("gal-a").getSize() < 3
        || !"Synced".equals(status("gal-c").getNodeState())
        || !members.stream().allMatch(this::acceptsConnections)) {
      assertThat(System.nanoTime())
          .as(
              "gal-c rejoined within 3 minutes; its log ends with:%n%s",
              last(tail(log, before), 3000))
          .isLessThan(deadline);
      Thread.sleep(500);
    }
    assertSame(members);
    String after = tail(log, before);
    assertThat(after)
        .contains("Prepared IST receiver")
        .containsPattern("Receiving IST: [1-9][0-9]* writesets")
        .contains("IST received");
    assertThat(after).as("no full state transfer").doesNotContain("Moving the backup to");
  }

  @Test
  @Order(5)
  void aNodeWithDatabasesOfItsOwnIsRefusedAndKeepsThem() throws Exception {
    // gal-b left with the cluster's rows: joining again would replace them, so it is refused
    Workflow w =
        run(
            bed.clusters()
                .growCluster(
                    GrowClusterRequest.newBuilder()
                        .setMemberInstanceId("gal-a")
                        .setInstanceId("gal-b")
                        .build()));
    assertThat(w.getState()).isEqualTo(WorkflowState.WORKFLOW_STATE_FAILED);
    assertThat(w.getError()).contains("holds databases").contains(DB);
    assertThat(status("gal-a").getSize()).isEqualTo(3);
    assertThat(status("gal-b").getEnabled()).isFalse();
    assertThat(count("gal-b")).isPositive();
  }

  @Test
  @Order(6)
  void badInputIsRefusedBeforeAnythingChanges() throws Exception {
    // two nodes cannot keep quorum when one fails
    Workflow w =
        run(
            bed.clusters()
                .createCluster(
                    CreateClusterRequest.newBuilder()
                        .setDatastore("mysql")
                        .addAllInstanceIds(List.of("gal-b", "gal-a"))
                        .build()));
    assertThat(w.getState()).isEqualTo(WorkflowState.WORKFLOW_STATE_FAILED);
    assertThat(w.getError()).contains("nodes").contains("at least 3");
    assertThat(status("gal-b").getEnabled()).isFalse();
    assertThat(status("gal-a").getSize()).isEqualTo(3);
  }

  @Test
  @Order(7)
  void aCrashOfEveryNodeAtOnceIsRecoveredByGaleraItself() throws Exception {
    List<String> members = List.of("gal-a", "gal-c", "gal-d");
    insert("gal-a", 30);
    assertSame(members);
    // a power loss: every server dies at once, its InnoDB committed what it had (grastate seqno
    // -1).
    // Each node kept the last Primary component in gvwstate.dat (pc.recovery, on by default): once
    // the agents restarted them all, they restore it themselves
    // (https://galeracluster.com/library/documentation/pc-recovery.html)
    List<ProcessHandle> servers = new ArrayList<>();
    for (String node : members) {
      long pid =
          Long.parseLong(
              Files.readString(work.resolve(node).resolve("run").resolve("mysqld.pid")).trim());
      servers.add(ProcessHandle.of(pid).orElseThrow());
    }
    servers.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle p : servers) {
      p.onExit().get();
    }
    awaitPrimaryOfThree(members);
    insert("gal-d", 10);
    assertSame(members);
  }

  @Test
  @Order(8)
  void aClusterShutDownNodeByNodeComesBackByItselfFromTheLastToLeave() throws Exception {
    List<String> members = List.of("gal-a", "gal-c", "gal-d");
    // a non-member has nothing to recover; nothing of it is touched
    Workflow refused =
        run(
            bed.clusters()
                .recoverCluster(
                    RecoverClusterRequest.newBuilder().setMemberInstanceId("gal-b").build()));
    assertThat(refused.getState()).isEqualTo(WorkflowState.WORKFLOW_STATE_FAILED);
    assertThat(refused.getError()).contains("not a member");
    bed.awaitHealthy("gal-b", Duration.ofSeconds(30));

    // the guests are shut down one after the other (each server stops cleanly, leaving the cluster;
    // gal-c, the last, writes safe_to_bootstrap: 1), then all start again: no node may form a
    // Primary component alone, so they wait for one
    for (String node : List.of("gal-d", "gal-a", "gal-c")) {
      agents.get(node).close();
    }
    for (String node : members) {
      agents.put(node, bed.startAgent(configs.get(node)));
    }
    // the control notices that no member is Primary with every agent back, and recovers the cluster
    Event completed = bed.awaitEvent("repair_completed", Duration.ofMinutes(5));
    assertThat(completed.getDetailsMap()).containsEntry("repair", "recover_cluster");
    Workflow w = bed.awaitWorkflow(completed.getDetailsOrThrow("workflow_id"), WORKFLOW);
    assertThat(w.getState()).as(w.getError()).isEqualTo(WorkflowState.WORKFLOW_STATE_SUCCEEDED);
    assertThat(w.getDetailsMap())
        .containsEntry("bootstrap", "gal-c")
        .containsEntry("members", "gal-a,gal-c,gal-d");
    awaitPrimaryOfThree(members);
    insert("gal-a", 10); // it takes writes again, on every node
    assertSame(members);
  }

  private void awaitPrimaryOfThree(List<String> members) throws Exception {
    for (String node : members) {
      bed.awaitHealthy(node, Duration.ofMinutes(3));
    }
    ClusterStatus s = status(members.get(0));
    assertThat(s.getState()).isEqualTo("Primary");
    assertThat(s.getSize()).isEqualTo(3);
    assertSame(members);
  }

  // ---- helpers ----

  private void insert(String node, int rows) throws SQLException {
    try (Connection c = connect(node);
        PreparedStatement ins =
            c.prepareStatement("INSERT INTO orders (node, n, note) VALUES (?, ?, ?)")) {
      for (int i = 0; i < rows; i++) {
        ins.setString(1, node);
        ins.setInt(2, i);
        ins.setString(3, "order " + i + " written on " + node);
        ins.executeUpdate(); // autocommit: each row is certified by the cluster before it returns
      }
    }
    written += rows;
  }

  /** Every node holds every row written so far, and the same table. */
  private void assertSame(List<String> nodes) throws SQLException {
    Long checksum = null;
    for (String node : nodes) {
      try (Connection c = connect(node);
          Statement s = c.createStatement()) {
        // reads wait until the node applied every writeset it received before the read
        s.execute("SET SESSION wsrep_sync_wait = 1");
        assertThat(count(s)).as("rows on %s", node).isEqualTo(written);
        try (ResultSet rs = s.executeQuery("CHECKSUM TABLE orders")) {
          rs.next();
          long sum = rs.getLong(2);
          if (checksum != null) {
            assertThat(sum).as("checksum on %s", node).isEqualTo(checksum);
          }
          checksum = sum;
        }
      }
    }
  }

  /**
   * Whether the node's server takes a client connection now. Synced is read through the agent's own
   * session; a client's TCP connection is what the assertions need (CI once saw a refusal right
   * after gal-c reported Synced).
   */
  private boolean acceptsConnections(String node) {
    try (Connection c = connect(node)) {
      return c.isValid(5);
    } catch (SQLException e) {
      return false;
    }
  }

  /** The server log written since {@code from} (a byte offset). */
  private static String tail(Path log, long from) {
    try {
      byte[] all = Files.readAllBytes(log);
      return new String(all, (int) from, all.length - (int) from, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  private static String last(String text, int chars) {
    return text.length() <= chars ? text : text.substring(text.length() - chars);
  }

  private int count(String node) throws SQLException {
    try (Connection c = connect(node);
        Statement s = c.createStatement()) {
      return count(s);
    }
  }

  private static int count(Statement s) throws SQLException {
    try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM orders")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private Connection connect(String node) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", USER);
    p.setProperty("password", PASSWORD);
    p.setProperty("connectTimeout", "5000");
    return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + ports.get(node) + "/" + DB, p);
  }

  private ClusterStatus status(String member) {
    return bed.clusters()
        .getCluster(GetClusterRequest.newBuilder().setMemberInstanceId(member).build());
  }

  private void awaitMetric(String node, String metric, double value) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    double last = -1;
    while (System.nanoTime() < deadline) {
      last =
          bed.instances()
              .getInstance(GetInstanceRequest.newBuilder().setInstanceId(node).build())
              .getMetricsOrDefault(metric, -1);
      if (last == value) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError(metric + " on " + node + " is " + last + ", not " + value);
  }

  private Workflow run(Workflow started) throws InterruptedException {
    return bed.awaitWorkflow(started.getWorkflowId(), WORKFLOW);
  }
}
