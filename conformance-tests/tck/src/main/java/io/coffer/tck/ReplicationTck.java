package io.coffer.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.agent.Agent;
import io.coffer.agent.config.AgentConfig;
import io.coffer.proto.v1.Backup;
import io.coffer.proto.v1.BackupState;
import io.coffer.proto.v1.BackupType;
import io.coffer.proto.v1.CommandOptions;
import io.coffer.proto.v1.CreateBackupRequest;
import io.coffer.proto.v1.CreateReplicaRequest;
import io.coffer.proto.v1.CreateUserRequest;
import io.coffer.proto.v1.DeleteBackupRequest;
import io.coffer.proto.v1.EjectRequest;
import io.coffer.proto.v1.GetInstanceRequest;
import io.coffer.proto.v1.HaSettings;
import io.coffer.proto.v1.InstanceStatus;
import io.coffer.proto.v1.ListReplicasRequest;
import io.coffer.proto.v1.ListUsersRequest;
import io.coffer.proto.v1.PromoteRequest;
import io.coffer.proto.v1.RejoinReplicaRequest;
import io.coffer.proto.v1.RepairReplicaRequest;
import io.coffer.proto.v1.Replica;
import io.coffer.proto.v1.RestartInstanceRequest;
import io.coffer.proto.v1.RestoreBackupRequest;
import io.coffer.proto.v1.Role;
import io.coffer.proto.v1.SetHaSettingsRequest;
import io.coffer.proto.v1.UpdateConfigurationRequest;
import io.coffer.proto.v1.User;
import io.coffer.proto.v1.Workflow;
import io.coffer.proto.v1.WorkflowState;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The engine-agnostic replication suite, through the northbound API against real servers: create a
 * replica from a backup of its source, writes on the source reach it, switchover (the replica
 * becomes the primary and the old source follows it), then failover after the primary is stopped
 * (the most advanced replica is promoted and the other follows it), rejoin of the lost primary, and
 * repair of a broken replica from a fresh backup. Replicas are compared with their source by the
 * engine's checksums.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Checks(Area.REPLICATION)
public abstract class ReplicationTck extends TckSuite {
  private static final Duration WORKFLOW = Duration.ofMinutes(5);
  private static final Duration CONVERGE = Duration.ofSeconds(60);

  protected Testbed bed;
  protected DatastoreProvider provider;
  private Path work;
  private final Map<String, Integer> ports = new HashMap<>();
  private final Map<String, Agent> agents = new HashMap<>();
  private String newPrimary;
  private final Map<String, AgentConfig> configs = new HashMap<>();

  /** Superuser credentials of the first source; physical replicas carry the same accounts. */
  private RootLogin root;

  /** Per instance, for engines whose replicas do not carry the accounts. */
  private final Map<String, RootLogin> roots = new HashMap<>();

  @BeforeAll
  void startSource() throws Exception {
    provider = provider();
    if (knownUndeclared(provider, Area.REPLICATION)) {
      return; // no server to start: an earlier suite saw the plugin leave it out
    }
    work =
        Files.createTempDirectory(
            "coffer-replication-tck-" + provider.engine(),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    bed = Testbed.start(work);
    start("rp-a");
    if (!declare(bed.awaitHealthy("rp-a", Duration.ofSeconds(10)), Area.REPLICATION)) {
      return;
    }
    start("rp-b");
    root = bed.enableRoot("rp-a");
    try (BackupData a = data("rp-a")) {
      a.load("app", 4 << 20);
    }
  }

  @AfterAll
  void stop() {
    if (bed != null) {
      bed.close();
    }
  }

  @Test
  @Order(1)
  void aReplicaCreatedFromABackupFollowsItsSource() throws Exception {
    Workflow w = bed.awaitWorkflow(createReplica("rp-a", "rp-b").getWorkflowId(), WORKFLOW);
    assertThat(w.getState()).as(w.getError()).isEqualTo(WorkflowState.WORKFLOW_STATE_SUCCEEDED);
    assertThat(w.getDetailsMap()).containsKey("backup_id").doesNotContainKey("password");
    // this suite fails over and rejoins by hand (the e2e HA scenarios cover the automatic way)
    HaSettings ha =
        bed.replication()
            .setHaSettings(
                SetHaSettingsRequest.newBuilder()
                    .setSourceInstanceId("rp-a")
                    .setEnabled(false)
                    .build());
    assertThat(ha.getEnabled()).isFalse();
    assertThat(ha.getTerm()).isEqualTo(1);

    bed.awaitRole("rp-b", Role.ROLE_REPLICA, CONVERGE);
    assertThat(
            bed.replication()
                .listReplicas(ListReplicasRequest.newBuilder().setSourceInstanceId("rp-a").build())
                .getReplicasList())
        .extracting(Replica::getInstanceId)
        .containsExactly("rp-b");
    write("rp-a", "after the replica was created");
    awaitSameData("rp-a", "rp-b");
    // the heartbeat tells how replication goes, under the same names for every engine
    InstanceStatus replica = awaitMetric("rp-b", "replication_running", 1.0);
    assertThat(replica.getMetricsMap()).containsKey("replication_lag_seconds");
    assertThat(replica.getMetricsOrThrow("replication_lag_seconds")).isBetween(0.0, 60.0);
    assertThat(awaitMetric("rp-a", "replicas_connected", 1.0).getRole())
        .isEqualTo(Role.ROLE_PRIMARY);
  }

  /** The instance's status once its heartbeat carries {@code metric} = {@code value}. */
  private InstanceStatus awaitMetric(String instance, String metric, double value)
      throws InterruptedException {
    long end = System.nanoTime() + CONVERGE.toNanos();
    InstanceStatus s;
    do {
      s =
          bed.instances()
              .getInstance(GetInstanceRequest.newBuilder().setInstanceId(instance).build());
      if (s.getMetricsOrDefault(metric, Double.NaN) == value) {
        return s;
      }
      Thread.sleep(200);
    } while (System.nanoTime() < end);
    throw new AssertionError(
        instance + " never reported " + metric + " = " + value + "; last: " + s.getMetricsMap());
  }

  @Test
  @Order(2)
  void aBackupOfASourceIsTakenOnItsCaughtUpReplicaAndRestoresItsData() throws Exception {
    write("rp-a", "before a backup of rp-a");
    awaitSameData("rp-a", "rp-b");
    awaitCaughtUp("rp-b");
    Backup started =
        bed.backups()
            .createBackup(
                CreateBackupRequest.newBuilder()
                    .setInstanceId("rp-a")
                    .setType(BackupType.BACKUP_TYPE_FULL)
                    .build());
    Backup done = bed.awaitBackup(started.getBackupId(), WORKFLOW);
    assertThat(done.getState())
        .as(done.getErrorMessage())
        .isEqualTo(BackupState.BACKUP_STATE_COMPLETED);
    assertThat(done.getInstanceId()).isEqualTo("rp-a");
    assertThat(done.getTakenOnInstanceId()).as("the backup spares the primary").isEqualTo("rp-b");

    Map<String, String> expected;
    try (BackupData source = data("rp-a")) {
      expected = source.fingerprint();
    }
    start("rp-copy");
    bed.backups()
        .restoreBackup(
            RestoreBackupRequest.newBuilder()
                .setBackupId(done.getBackupId())
                .setInstanceId("rp-copy")
                .build());
    bed.awaitHealthy("rp-copy", Duration.ofSeconds(90));
    try (BackupData copy = data("rp-copy")) {
      assertThat(copy.fingerprint()).isEqualTo(expected);
    }
    agents.remove("rp-copy").close();
    bed.backups()
        .deleteBackup(DeleteBackupRequest.newBuilder().setBackupId(done.getBackupId()).build());
  }

  @Test
  @Order(2)
  void badReplicaRequestsAreClearErrors() {
    assertThat(code(() -> createReplica("rp-a", "rp-a"))).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(code(() -> createReplica("rp-a", "no-such-instance")))
        .isEqualTo(Status.Code.NOT_FOUND);
    assertThat(code(() -> createReplica("rp-a", "rp-b")))
        .isEqualTo(Status.Code.FAILED_PRECONDITION); // already one
    assertThat(
            code(
                () ->
                    bed.replication()
                        .promote(PromoteRequest.newBuilder().setInstanceId("rp-a").build())))
        .isEqualTo(Status.Code.FAILED_PRECONDITION); // not a replica
    assertThat(code(() -> repair("rp-a"))).isEqualTo(Status.Code.FAILED_PRECONDITION); // the source
    assertThat(code(() -> repair("no-such-instance"))).isEqualTo(Status.Code.NOT_FOUND);
  }

  private Workflow repair(String replica) {
    return bed.replication()
        .repairReplica(RepairReplicaRequest.newBuilder().setInstanceId(replica).build());
  }

  @Test
  @Order(3)
  void switchoverPromotesTheReplicaAndTheOldSourceFollowsIt() throws Exception {
    write("rp-a", "just before the switchover");
    Workflow w =
        bed.awaitWorkflow(
            bed.replication()
                .promote(
                    PromoteRequest.newBuilder()
                        .setInstanceId("rp-b")
                        .setOptions(CommandOptions.newBuilder().setCommandId("switch-1"))
                        .build())
                .getWorkflowId(),
            WORKFLOW);
    assertThat(w.getState()).as(w.getError()).isEqualTo(WorkflowState.WORKFLOW_STATE_SUCCEEDED);
    assertThat(w.getDetailsMap()).containsKey("fenced_position");

    bed.awaitRole("rp-b", Role.ROLE_PRIMARY, CONVERGE);
    bed.awaitRole("rp-a", Role.ROLE_REPLICA, CONVERGE);
    write("rp-b", "on the new primary");
    awaitSameData("rp-b", "rp-a");
  }

  @Test
  @Order(4)
  void failoverPromotesTheMostAdvancedReplicaWhenThePrimaryIsGone() throws Exception {
    start("rp-c");
    Workflow created = bed.awaitWorkflow(createReplica("rp-b", "rp-c").getWorkflowId(), WORKFLOW);
    assertThat(created.getState())
        .as(created.getError())
        .isEqualTo(WorkflowState.WORKFLOW_STATE_SUCCEEDED);
    write("rp-b", "before the primary is lost");
    awaitSameData("rp-b", "rp-c");
    awaitSameData("rp-b", "rp-a");
    // creating rp-c prepared rp-b's replication account again: rp-a, attached before, must still be
    // let in when it reconnects (here: after its source's server restarts)
    bed.instances()
        .withDeadlineAfter(3, TimeUnit.MINUTES)
        .restartInstance(RestartInstanceRequest.newBuilder().setInstanceId("rp-b").build());
    bed.awaitHealthy("rp-b", Duration.ofSeconds(90));
    write("rp-b", "after the source restarted");
    awaitSameData("rp-b", "rp-a");
    awaitSameData("rp-b", "rp-c");

    agents.remove("rp-b").close(); // the primary and its server are gone
    Workflow w =
        bed.awaitWorkflow(
            bed.replication()
                .eject(EjectRequest.newBuilder().setSourceInstanceId("rp-b").build())
                .getWorkflowId(),
            WORKFLOW);
    assertThat(w.getState()).as(w.getError()).isEqualTo(WorkflowState.WORKFLOW_STATE_SUCCEEDED);
    String promoted = w.getDetailsOrThrow("new_primary");
    String other = promoted.equals("rp-a") ? "rp-c" : "rp-a";
    newPrimary = promoted;

    bed.awaitRole(promoted, Role.ROLE_PRIMARY, CONVERGE);
    write(promoted, "after the failover");
    awaitSameData(promoted, other);
  }

  @Test
  @Order(5)
  void aFailedPrimaryThatComesBackRejoinsAsAReplicaOfTheNewPrimary() throws Exception {
    Assumptions.assumeTrue(newPrimary != null, "the failover test did not run");
    // the lost primary comes back with its data; the control tells its agent it was deposed, so it
    // stays fenced (the e2e scenarios check that ordinary accounts cannot write on it)
    restart("rp-b");
    Workflow w =
        bed.awaitWorkflow(
            bed.replication()
                .rejoinReplica(
                    RejoinReplicaRequest.newBuilder()
                        .setInstanceId("rp-b")
                        .setSourceInstanceId(newPrimary)
                        .build())
                .getWorkflowId(),
            WORKFLOW);
    assertThat(w.getState()).as(w.getError()).isEqualTo(WorkflowState.WORKFLOW_STATE_SUCCEEDED);

    bed.awaitRole("rp-b", Role.ROLE_REPLICA, CONVERGE);
    write(newPrimary, "after the rejoin");
    awaitSameData(newPrimary, "rp-b");
  }

  @Test
  @Order(6)
  void aBrokenReplicaIsReportedAndRepairedFromAFreshBackup() throws Exception {
    Assumptions.assumeTrue(newPrimary != null, "the failover test did not run");
    write(newPrimary, "before the repair");
    awaitSameData(newPrimary, "rp-b");
    if (breakReplication("rp-b", newPrimary)) {
      InstanceStatus broken = awaitMetric("rp-b", "replication_running", 0.0);
      assertThat(broken.getDetail())
          .as("the heartbeat says why rp-b stopped replicating")
          .isNotBlank();
      assertThat(
              bed.replication()
                  .listReplicas(
                      ListReplicasRequest.newBuilder().setSourceInstanceId(newPrimary).build())
                  .getReplicasList())
          .filteredOn(r -> r.getInstanceId().equals("rp-b"))
          .extracting(Replica::getDetail)
          .containsExactly(broken.getDetail());
    } // else: the engine's replicas cannot break this way; a healthy replica is re-seeded all the
    // same
    if (!provider
        .replicasCarryAccounts()) { // its own accounts are the replica's, not the backup's: they
      // stay
      bed.users()
          .createUser(
              CreateUserRequest.newBuilder()
                  .setInstanceId("rp-b")
                  .setName("kept_user")
                  .setPassword("kept-user-pass-1")
                  .build());
    }
    ConfigurationSamples config = provider.configurationSamples();
    if (config != null) { // so does its configuration
      bed.configuration()
          .updateConfiguration(
              UpdateConfigurationRequest.newBuilder()
                  .setInstanceId("rp-b")
                  .putValues(config.live(), config.liveValue())
                  .build());
    }

    Workflow w =
        bed.awaitWorkflow(
            bed.replication()
                .repairReplica(
                    RepairReplicaRequest.newBuilder()
                        .setInstanceId("rp-b")
                        .setOptions(CommandOptions.newBuilder().setCommandId("repair-1"))
                        .build())
                .getWorkflowId(),
            WORKFLOW);
    assertThat(w.getState()).as(w.getError()).isEqualTo(WorkflowState.WORKFLOW_STATE_SUCCEEDED);
    assertThat(w.getDetailsMap()).containsKey("backup_id").doesNotContainKey("password");

    bed.awaitRole("rp-b", Role.ROLE_REPLICA, CONVERGE);
    awaitSameData(newPrimary, "rp-b");
    write(newPrimary, "after the repair");
    awaitSameData(newPrimary, "rp-b");
    awaitMetric("rp-b", "replication_running", 1.0);
    if (config != null) {
      RootLogin login = credentials("rp-b");
      assertThat(
              provider.showParameter(port("rp-b"), login.name(), login.password(), config.live()))
          .as("rp-b's own %s after the repair", config.live())
          .isEqualTo(config.liveShown());
    }
    if (!provider.replicasCarryAccounts()) {
      assertThat(
              bed.users()
                  .listUsers(ListUsersRequest.newBuilder().setInstanceId("rp-b").build())
                  .getUsersList())
          .extracting(User::getName)
          .contains("kept_user");
    }
    assertThat(
            bed.replication()
                .listReplicas(
                    ListReplicasRequest.newBuilder().setSourceInstanceId(newPrimary).build())
                .getReplicasList())
        .extracting(Replica::getInstanceId)
        .contains("rp-b");
    // a repair of the primary is refused: only a replica is ever overwritten
    assertThat(code(() -> repair(newPrimary))).isEqualTo(Status.Code.FAILED_PRECONDITION);
  }

  /**
   * Makes {@code replica}'s replication stop on an error (e.g. a row written on the replica that
   * the source then writes too), for the repair test; false when the engine's replicas cannot break
   * this way (the test then re-seeds a healthy replica).
   */
  protected boolean breakReplication(String replica, String source) throws Exception {
    return false;
  }

  // ---- helpers ----

  /** Until the heartbeat shows the replica streaming and at most a second behind. */
  private void awaitCaughtUp(String replica) throws InterruptedException {
    long end = System.nanoTime() + CONVERGE.toNanos();
    Map<String, Double> metrics;
    do {
      metrics =
          bed.instances()
              .getInstance(GetInstanceRequest.newBuilder().setInstanceId(replica).build())
              .getMetricsMap();
      if (metrics.getOrDefault("replication_running", 0.0) == 1.0
          && metrics.getOrDefault("replication_lag_seconds", 99.0) <= 1.0) {
        return;
      }
      Thread.sleep(250);
    } while (System.nanoTime() < end);
    throw new AssertionError(replica + " is not caught up: " + metrics);
  }

  private void start(String instance) throws Exception {
    int port = Ports.free();
    ports.put(instance, port);
    AgentConfig config =
        bed.agentConfig(
            instance, provider.pluginsDir(), provider.datastore(work.resolve(instance), port));
    configs.put(instance, config);
    agents.put(instance, bed.startAgent(config));
    bed.awaitHealthy(instance, Duration.ofSeconds(90));
  }

  /** Starts a stopped instance's agent again, with its data, port and certificate. */
  private void restart(String instance) throws Exception {
    agents.put(instance, bed.startAgent(configs.get(instance)));
    bed.awaitHealthy(instance, Duration.ofSeconds(90));
  }

  private BackupData data(String instance) {
    RootLogin login = credentials(instance);
    return provider.backupData(ports.get(instance), login.name(), login.password());
  }

  /**
   * The instances running now (for engine-specific checks in a subclass, after the ordered tests).
   */
  protected Set<String> runningInstances() {
    return Set.copyOf(agents.keySet());
  }

  /** The port {@code instance}'s server listens on. */
  protected int port(String instance) {
    return ports.get(instance);
  }

  /** A superuser login on {@code instance}. */
  protected RootLogin credentials(String instance) {
    return provider.replicasCarryAccounts()
        ? root
        : roots.computeIfAbsent(instance, i -> bed.enableRoot(i));
  }

  private Workflow createReplica(String source, String replica) {
    return bed.replication()
        .createReplica(
            CreateReplicaRequest.newBuilder()
                .setSourceInstanceId(source)
                .setInstanceId(replica)
                .build());
  }

  private void write(String instance, String marker) throws Exception {
    try (BackupData d = data(instance)) {
      d.write("app", marker);
    }
  }

  private void awaitSameData(String source, String replica) throws Exception {
    BackupData.awaitSame(
        () -> data(source),
        () -> data(replica),
        CONVERGE,
        "data on " + replica + " vs its source " + source);
  }

  private static Status.Code code(Callable<?> call) {
    try {
      call.call();
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("the call succeeded");
  }
}
