package io.coffer.e2e.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.proto.v1.CreateDatabaseRequest;
import io.coffer.proto.v1.CreateReplicaRequest;
import io.coffer.proto.v1.CreateUserRequest;
import io.coffer.proto.v1.Database;
import io.coffer.proto.v1.EnableRootRequest;
import io.coffer.proto.v1.PromoteRequest;
import io.coffer.proto.v1.RootCredentials;
import io.coffer.proto.v1.Workflow;
import io.coffer.proto.v1.WorkflowState;
import io.coffer.tck.Ports;
import io.coffer.tck.Testbed;
import io.coffer.tck.mysql.MysqlProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Switchover under a continuous writer (#7): a client inserts rows one transaction at a time into
 * whichever server accepts writes, while the replica is promoted. Every insert the server
 * acknowledged must be on the new primary afterwards, and the time no server accepted writes is
 * printed.
 */
class MysqlSwitchoverTest {
  private Testbed bed;

  @AfterEach
  void stop() {
    if (bed != null) {
      bed.close();
    }
  }

  @Test
  void noCommittedRowIsLostAndTheWriteOutageIsPrinted() throws Exception {
    MysqlProvider mysql = MysqlProvider.requireMariadb();
    Path work = Files.createTempDirectory("coffer-switchover",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    bed = Testbed.start(work);
    int portA = Ports.free();
    int portB = Ports.free();
    bed.startAgent(bed.agentConfig("sw-a", mysql.pluginsDir(), mysql.datastore(work.resolve("sw-a"), portA)));
    bed.startAgent(bed.agentConfig("sw-b", mysql.pluginsDir(), mysql.datastore(work.resolve("sw-b"), portB)));
    bed.awaitHealthy("sw-a", Duration.ofSeconds(90));
    bed.awaitHealthy("sw-b", Duration.ofSeconds(90));
    RootCredentials root = bed.users().enableRoot(EnableRootRequest.newBuilder().setInstanceId("sw-a").build())
        .getCredentials();
    // the application writes as an ordinary account: read_only (the fence) refuses it reliably
    bed.databases().createDatabase(CreateDatabaseRequest.newBuilder().setInstanceId("sw-a")
        .setDatabase(Database.newBuilder().setName("ledger")).build());
    bed.users().createUser(CreateUserRequest.newBuilder().setInstanceId("sw-a").setName("app")
        .setPassword(APP_PASSWORD).addDatabases("ledger").build());
    try (Connection c = connect(portA, root.getName(), root.getPassword()); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE ledger.entries (id BIGINT PRIMARY KEY, at TIMESTAMP(6) DEFAULT CURRENT_TIMESTAMP(6))");
    }
    Workflow created = bed.awaitWorkflow(bed.replication().createReplica(CreateReplicaRequest.newBuilder()
        .setSourceInstanceId("sw-a").setInstanceId("sw-b").build()).getWorkflowId(), Duration.ofMinutes(5));
    assertThat(created.getState()).as(created.getError()).isEqualTo(WorkflowState.WORKFLOW_STATE_SUCCEEDED);

    Writer writer = new Writer(new int[] {portA, portB});
    Thread t = new Thread(writer, "continuous-writer");
    t.start();
    Thread.sleep(2000);
    Workflow switched = bed.awaitWorkflow(bed.replication().promote(PromoteRequest.newBuilder()
        .setInstanceId("sw-b").build()).getWorkflowId(), Duration.ofMinutes(2));
    Thread.sleep(2000);
    writer.stop.set(true);
    t.join(30_000);
    assertThat(switched.getState()).as(switched.getError()).isEqualTo(WorkflowState.WORKFLOW_STATE_SUCCEEDED);

    List<Long> acknowledged = new ArrayList<>(writer.acknowledged);
    List<Long> onNewPrimary = new ArrayList<>();
    try (Connection c = connect(portB, root.getName(), root.getPassword()); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id FROM ledger.entries")) {
      while (rs.next()) {
        onNewPrimary.add(rs.getLong(1));
      }
    }
    assertThat(acknowledged).hasSizeGreaterThan(50);
    assertThat(writer.acknowledgedOn[1].get()).as("rows written on the new primary after the switchover").isPositive();
    assertThat(onNewPrimary).containsAll(acknowledged);
    System.out.printf("switchover under a continuous writer: %d rows acknowledged, none lost; writes were refused"
        + " for %d ms (longest gap between two acknowledged writes)%n", acknowledged.size(), writer.longestGapMillis());
  }

  private static final String APP_PASSWORD = "app-Secret-42-pass";

  private static Connection connect(int port, String user, String password) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("connectTimeout", "2000");
    p.setProperty("socketTimeout", "5000");
    return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/", p);
  }

  /**
   * Inserts increasing ids, one autocommit transaction each, into the first server that takes it
   * (a read-only server refuses), as an application behind a proxy would; remembers what was
   * acknowledged and the longest time between two acknowledgements.
   */
  private static final class Writer implements Runnable {
    final AtomicBoolean stop = new AtomicBoolean();
    final ConcurrentLinkedQueue<Long> acknowledged = new ConcurrentLinkedQueue<>();
    final AtomicLong[] acknowledgedOn = {new AtomicLong(), new AtomicLong()};
    private final int[] ports;
    private long lastAck = System.nanoTime();
    private long longestGap;

    Writer(int[] ports) {
      this.ports = ports;
    }

    long longestGapMillis() {
      return longestGap / 1_000_000;
    }

    @Override
    public void run() {
      long next = 1;
      int target = 0;
      Connection c = null;
      while (!stop.get()) {
        try {
          if (c == null) {
            c = connect(ports[target], "app", APP_PASSWORD);
          }
          try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO ledger.entries (id) VALUES (" + next + ")"); // refused while read-only
          }
          acknowledged.add(next);
          acknowledgedOn[target].incrementAndGet();
          long now = System.nanoTime();
          longestGap = Math.max(longestGap, now - lastAck);
          lastAck = now;
          next++;
        } catch (SQLException e) {
          closeQuietly(c);
          c = null;
          target = 1 - target; // try the other server
          sleep(20);
        }
      }
      closeQuietly(c);
    }

    private static void closeQuietly(Connection c) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (SQLException ignored) {
        // gone
      }
    }

    private static void sleep(long ms) {
      try {
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
