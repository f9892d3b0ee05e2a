package io.coffer.control.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Timestamp;
import io.coffer.control.ca.CofferHome;
import io.coffer.proto.v1.CreateReplicaRequest;
import io.coffer.proto.v1.EjectRequest;
import io.coffer.proto.v1.GetWorkflowRequest;
import io.coffer.proto.v1.Health;
import io.coffer.proto.v1.InstanceState;
import io.coffer.proto.v1.ListReplicasRequest;
import io.coffer.proto.v1.ListReplicasResponse;
import io.coffer.proto.v1.PromoteRequest;
import io.coffer.proto.v1.RepairReplicaRequest;
import io.coffer.proto.v1.Replica;
import io.coffer.proto.v1.Role;
import io.coffer.proto.v1.Workflow;
import io.coffer.proto.v1.WorkflowState;
import io.grpc.Status;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code coffer replica ...}, {@code coffer promote}, {@code coffer eject} and {@code coffer
 * workflow show}.
 */
class ReplicationCommandsTest {

  private static final String BACKUP_STEP = "take a full backup of the source";

  @TempDir Path tmp;
  CofferHome home;
  FakeControl control;

  @BeforeEach
  void start() throws Exception {
    home = new CofferHome(tmp.resolve("coffer"));
    assertThat(Cli.run("--home", home.root().toString(), "certs", "init").exitCode()).isZero();
    control = new FakeControl(home);
  }

  @AfterEach
  void stop() throws Exception {
    control.close();
  }

  private String[] args(String... args) {
    List<String> all =
        new ArrayList<>(List.of("--home", home.root().toString(), "--control", control.address()));
    all.addAll(List.of(args));
    return all.toArray(String[]::new);
  }

  private Cli.Result coffer(String... args) {
    return Cli.run(args(args));
  }

  private static Timestamp at(long epochSecond) {
    return Timestamp.newBuilder().setSeconds(epochSecond).build();
  }

  /** A create_replica workflow of db-2 from db-1. */
  private static Workflow.Builder createReplica(
      String id, WorkflowState state, int done, String step) {
    return Workflow.newBuilder()
        .setWorkflowId(id)
        .setKind("create_replica")
        .setState(state)
        .setStepsDone(done)
        .setStepCount(5)
        .setStepName(step)
        .setCreated(at(1_700_000_000))
        .setUpdated(at(1_700_000_000 + 10L * done))
        .putDetails("source", "db-1")
        .putDetails("replica", "db-2")
        .putDetails("semi_sync", "true");
  }

  @Test
  void createWaitsThroughTheStepsAndPrintsASummary() {
    control.queue(
        "GetWorkflow",
        createReplica("cr-1", WorkflowState.WORKFLOW_STATE_RUNNING, 1, BACKUP_STEP).build(),
        createReplica("cr-1", WorkflowState.WORKFLOW_STATE_RUNNING, 1, BACKUP_STEP)
            .build(), // shown once
        createReplica("cr-1", WorkflowState.WORKFLOW_STATE_SUCCEEDED, 5, "")
            .setUpdated(at(1_700_000_065))
            .putDetails("backup_id", "bk-000000000001")
            .build());

    Cli.Result result =
        coffer(
            "replica",
            "create",
            "db-1",
            "--instance",
            "db-2",
            "--semi-sync",
            "--command-id",
            "cr-1");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    CreateReplicaRequest sent = control.last(CreateReplicaRequest.class);
    assertThat(sent.getSourceInstanceId()).isEqualTo("db-1");
    assertThat(sent.getInstanceId()).isEqualTo("db-2");
    assertThat(sent.getSemiSync()).isTrue();
    assertThat(sent.getOptions().getCommandId()).isEqualTo("cr-1");
    assertThat(control.all(GetWorkflowRequest.class))
        .hasSize(3)
        .allSatisfy(r -> assertThat(r.getWorkflowId()).isEqualTo("cr-1"));
    assertThat(result.out().lines())
        .containsExactly(
            "Started create-replica workflow cr-1 (replica db-2 of db-1)",
            "Completed create-replica workflow cr-1 (replica db-2 of db-1):",
            "  state:      succeeded",
            "  steps:      5/5",
            "  duration:   1m05s",
            "  backup_id:  bk-000000000001",
            "  replica:    db-2",
            "  semi_sync:  true",
            "  source:     db-1");
    assertThat(result.err().lines())
        .containsExactly( // not a terminal: one line per step
            "step 1/5: prepare the source's replication account", "step 2/5: " + BACKUP_STEP);
  }

  @Test
  void aFailedWorkflowIsAOneLineErrorWithExitCodeOne() {
    String error =
        "step 2 ("
            + BACKUP_STEP
            + ") failed: backup bk-000000000001 failed: No space left on device";
    control.queue(
        "GetWorkflow",
        createReplica("cr-2", WorkflowState.WORKFLOW_STATE_FAILED, 1, BACKUP_STEP)
            .setError(error)
            .build());

    Cli.Result result =
        coffer("replica", "create", "db-1", "--instance", "db-2", "--command-id", "cr-2");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
    assertThat(control.last(CreateReplicaRequest.class).getSemiSync()).isFalse();
    assertThat(result.out())
        .isEqualTo("Started create-replica workflow cr-2 (replica db-2 of db-1)\n");
    assertThat(result.err().lines())
        .containsExactly(
            "step 1/5: prepare the source's replication account",
            "coffer: create-replica workflow cr-2 (replica db-2 of db-1) failed: "
                + error
                + " (see 'coffer workflow show cr-2')");
  }

  @Test
  void noWaitReturnsAtOnceAndJsonPrintsOnlyTheWorkflow() throws Exception {
    Cli.Result result =
        coffer(
            "replica", "create", "db-1", "--instance", "db-2", "--no-wait", "--command-id", "cr-3");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out())
        .isEqualTo(
            "Started create-replica workflow cr-3 (replica db-2 of db-1); "
                + "follow it with 'coffer workflow show cr-3'\n");
    assertThat(result.err()).isEmpty();
    assertThat(control.all(GetWorkflowRequest.class)).isEmpty();

    assertThat(coffer("replica", "create", "db-1", "--instance", "db-2", "--no-wait").exitCode())
        .isZero();
    assertThat(control.last(CreateReplicaRequest.class).getOptions().getCommandId())
        .isNotEmpty(); // a fresh UUID

    result =
        coffer(
            "replica",
            "create",
            "db-1",
            "--instance",
            "db-2",
            "--no-wait",
            "--command-id",
            "cr-4",
            "--json");
    JsonNode json = new ObjectMapper().readTree(result.out());
    assertThat(json.at("/workflowId").asText()).isEqualTo("cr-4");
    assertThat(json.at("/state").asText()).isEqualTo("WORKFLOW_STATE_RUNNING");

    control.queue(
        "GetWorkflow",
        createReplica("cr-5", WorkflowState.WORKFLOW_STATE_SUCCEEDED, 5, "").build());
    result =
        coffer("replica", "create", "db-1", "--instance", "db-2", "--command-id", "cr-5", "--json");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    json = new ObjectMapper().readTree(result.out()); // one document: the final workflow
    assertThat(json.at("/state").asText()).isEqualTo("WORKFLOW_STATE_SUCCEEDED");
    assertThat(json.at("/details/replica").asText()).isEqualTo("db-2");
  }

  @Test
  void promoteAndEjectStartTheirWorkflows() {
    control.queue(
        "GetWorkflow",
        Workflow.newBuilder()
            .setWorkflowId("sw-1")
            .setKind("switchover")
            .setState(WorkflowState.WORKFLOW_STATE_SUCCEEDED)
            .setStepsDone(6)
            .setStepCount(6)
            .putDetails("source", "db-1")
            .putDetails("replica", "db-2")
            .build());
    Cli.Result result = coffer("promote", "db-2", "--command-id", "sw-1");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    PromoteRequest promote = control.last(PromoteRequest.class);
    assertThat(promote.getInstanceId()).isEqualTo("db-2");
    assertThat(promote.getOptions().getCommandId()).isEqualTo("sw-1");
    assertThat(result.out())
        .startsWith(
            "Started switchover workflow sw-1\n"
                + "Completed switchover workflow sw-1 (db-2 replaces db-1 as primary):\n  state:     succeeded\n"
                + "  steps:     6/6\n");
    assertThat(result.err()).isEqualTo("step 1/6: fence the source (read-only)\n");

    result = coffer("eject", "db-1", "--no-wait", "--command-id", "fo-1");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    EjectRequest eject = control.last(EjectRequest.class);
    assertThat(eject.getSourceInstanceId()).isEqualTo("db-1");
    assertThat(eject.getOptions().getCommandId()).isEqualTo("fo-1");
    assertThat(result.out())
        .isEqualTo(
            "Started failover workflow fo-1 (db-1 ejected); "
                + "follow it with 'coffer workflow show fo-1'\n");

    assertThat(
            WorkflowStartingCommand.title(
                Workflow.newBuilder()
                    .setKind("failover")
                    .putDetails("source", "db-1")
                    .putDetails("new_primary", "db-3")
                    .build(),
                "fo-1"))
        .isEqualTo("failover workflow fo-1 (db-1 ejected, new primary db-3)");
  }

  @Test
  void repairStartsItsWorkflowAndWaits() {
    control.queue(
        "GetWorkflow",
        Workflow.newBuilder()
            .setWorkflowId("rr-1")
            .setKind("repair_replica")
            .setState(WorkflowState.WORKFLOW_STATE_SUCCEEDED)
            .setStepsDone(6)
            .setStepCount(6)
            .putDetails("source", "db-1")
            .putDetails("replica", "db-2")
            .putDetails("backup_id", "b-7")
            .build());
    Cli.Result result = coffer("replica", "repair", "db-2", "--semi-sync", "--command-id", "rr-1");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    RepairReplicaRequest repair = control.last(RepairReplicaRequest.class);
    assertThat(repair.getInstanceId()).isEqualTo("db-2");
    assertThat(repair.getSemiSync()).isTrue();
    assertThat(repair.getOptions().getCommandId()).isEqualTo("rr-1");
    assertThat(result.out())
        .startsWith(
            "Started repair-replica workflow rr-1\n"
                + "Completed repair-replica workflow rr-1 (db-2 re-seeded from db-1):\n  state:      succeeded\n"
                + "  steps:      6/6\n");
    assertThat(result.out()).contains("  backup_id:  b-7\n");

    control.errors.put(
        "RepairReplica",
        Status.FAILED_PRECONDITION
            .withDescription(
                "instance db-1 is not a replica the control knows of; only a replica is re-seeded")
            .asRuntimeException());
    result = coffer("replica", "repair", "db-1", "--command-id", "rr-2");
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo(
            "coffer: FAILED_PRECONDITION: instance db-1 is not a replica the control "
                + "knows of; only a replica is re-seeded (command-id rr-2)\n");
    assertThat(coffer("replica", "repair").exitCode()).isEqualTo(2);
  }

  @Test
  void controlErrorsAreOneLineWithTheirExitCode() {
    record Case(String method, Status status, int exitCode, String expected, String... args) {}
    for (Case c :
        List.of(
            new Case(
                "CreateReplica",
                Status.NOT_FOUND.withDescription("instance 'db-9' is not known to the control"),
                3,
                "coffer: NOT_FOUND: instance 'db-9' is not known to the control (command-id cr-9)\n",
                "replica",
                "create",
                "db-1",
                "--instance",
                "db-9",
                "--command-id",
                "cr-9"),
            new Case(
                "CreateReplica",
                Status.INVALID_ARGUMENT.withDescription(
                    "instance_id: instance db-2 runs postgresql, its source mysql"),
                2,
                "coffer: INVALID_ARGUMENT: instance_id: instance db-2 runs postgresql, its source mysql\n",
                "replica",
                "create",
                "db-1",
                "--instance",
                "db-2",
                "--command-id",
                "cr-9"),
            new Case(
                "CreateReplica",
                Status.UNIMPLEMENTED.withDescription(
                    "instance db-2 (redis) does not support replication"),
                1,
                "coffer: UNIMPLEMENTED: instance db-2 (redis) does not support replication (command-id cr-9)\n",
                "replica",
                "create",
                "db-1",
                "--instance",
                "db-2",
                "--command-id",
                "cr-9"),
            new Case(
                "Promote",
                Status.FAILED_PRECONDITION.withDescription(
                    "the source db-1 is not connected; a switchover"
                        + " needs it to fence it without losing writes. If it is gone, eject it (failover)"),
                1,
                "coffer: FAILED_PRECONDITION: the source db-1 is not connected; a switchover needs it to fence it without "
                    + "losing writes. If it is gone, eject it (failover) (command-id sw-9)\n",
                "promote",
                "db-2",
                "--command-id",
                "sw-9"),
            new Case(
                "Eject",
                Status.FAILED_PRECONDITION.withDescription(
                    "instance db-1 has no replicas to promote"),
                1,
                "coffer: FAILED_PRECONDITION: instance db-1 has no replicas to promote (command-id fo-9)\n",
                "eject",
                "db-1",
                "--command-id",
                "fo-9"))) {
      control.errors.clear();
      control.errors.put(c.method(), c.status().asRuntimeException());
      Cli.Result result = coffer(c.args());
      assertThat(result.exitCode()).as(result.toString()).isEqualTo(c.exitCode());
      assertThat(result.err()).isEqualTo(c.expected());
      assertThat(result.out()).isEmpty();
    }
    assertThat(control.all(GetWorkflowRequest.class)).isEmpty();
  }

  @Test
  void usageErrorsExitTwoBeforeConnecting() {
    for (List<String> args :
        List.of(
            List.of("replica", "create", "db-1"),
            List.of("replica", "create", "--instance", "db-2"),
            List.of("replica", "create", "db-1", "--instance", "db-1"),
            List.of(
                "replica", "create", "db-1", "--instance", "db-2", "--command-id", "not valid!"),
            List.of("replica", "list"),
            List.of("replica"),
            List.of("promote"),
            List.of("promote", "db-2", "db-3"),
            List.of("eject"),
            List.of("eject", "db-1", "--command-id", ""),
            List.of("workflow", "show"))) {
      Cli.Result result = coffer(args.toArray(String[]::new));
      assertThat(result.exitCode()).as(args + ": " + result).isEqualTo(2);
      assertThat(result.err().lines()).as(args + ": " + result).hasSize(1);
      assertThat(result.out()).as(args + ": " + result).isEmpty();
    }
    assertThat(control.requests).isEmpty();
    assertThat(coffer("replica", "create", "db-1").err())
        .isEqualTo(
            "coffer: Missing required option: '--instance=INSTANCE' (see 'coffer replica create --help')\n");
    assertThat(coffer("replica", "create", "db-1", "--instance", "db-1").err())
        .isEqualTo(
            "coffer: Invalid value for option '--instance': the replica must be another instance than its source db-1 "
                + "(see 'coffer replica create --help')\n");
  }

  @Test
  void listIsATable() throws Exception {
    control.replies.put(
        "ListReplicas",
        ListReplicasResponse.newBuilder()
            .addReplicas(
                Replica.newBuilder()
                    .setInstanceId("db-2")
                    .setSourceInstanceId("db-1")
                    .setState(InstanceState.INSTANCE_STATE_CONNECTED)
                    .setHealth(Health.HEALTH_HEALTHY)
                    .setRole(Role.ROLE_REPLICA)
                    .setLagSeconds(0))
            .addReplicas(
                Replica.newBuilder()
                    .setInstanceId("db-3")
                    .setSourceInstanceId("db-1")
                    .setState(InstanceState.INSTANCE_STATE_CONNECTED)
                    .setHealth(Health.HEALTH_HEALTHY)
                    .setRole(Role.ROLE_REPLICA)
                    .setLagSeconds(185.2)
                    .setDetail("catching up"))
            .addReplicas(
                Replica.newBuilder()
                    .setInstanceId("db-4")
                    .setSourceInstanceId("db-1")
                    .setLagSeconds(-1))
            .build());
    Cli.Result result = coffer("replica", "list", "db-1");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(control.last(ListReplicasRequest.class).getSourceInstanceId()).isEqualTo("db-1");
    assertThat(result.out().lines())
        .containsExactly(
            "INSTANCE  STATE      HEALTH   ROLE     LAG    DETAIL",
            "db-2      connected  healthy  replica  0s     -",
            "db-3      connected  healthy  replica  3m05s  catching up",
            "db-4      -          -        -        -      -");

    JsonNode json = new ObjectMapper().readTree(coffer("replica", "list", "db-1", "--json").out());
    assertThat(json.at("/replicas/1/lagSeconds").asDouble()).isEqualTo(185.2);

    assertThat(ReplicaList.lag(0.25)).isEqualTo("250ms");
    assertThat(ReplicaList.lag(42)).isEqualTo("42s");
    assertThat(ReplicaList.lag(Double.NaN)).isEqualTo("-");
  }

  @Test
  void workflowShowPrintsItsFields() {
    control.replies.put(
        "GetWorkflow",
        createReplica("cr-1", WorkflowState.WORKFLOW_STATE_RUNNING, 1, BACKUP_STEP).build());
    Cli.Result result = coffer("workflow", "show", "cr-1");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(control.last(GetWorkflowRequest.class).getWorkflowId()).isEqualTo("cr-1");
    assertThat(result.out().lines())
        .containsExactly(
            "Workflow:  cr-1",
            "Kind:      create_replica",
            "State:     running",
            "Steps:     1/5 done, running: " + BACKUP_STEP,
            "Created:   2023-11-14T22:13:20Z",
            "Updated:   2023-11-14T22:13:30Z",
            "Details:   replica=db-2, semi_sync=true, source=db-1");

    control.replies.put(
        "GetWorkflow",
        createReplica("cr-1", WorkflowState.WORKFLOW_STATE_FAILED, 1, BACKUP_STEP)
            .setError("step 2 (" + BACKUP_STEP + ") failed: agent db-1 is not connected")
            .build());
    result = coffer("workflow", "show", "cr-1");
    assertThat(result.out())
        .contains(
            "State:     failed\n",
            "Steps:     1/5 done, failed: " + BACKUP_STEP + "\n",
            "Error:     step 2 (" + BACKUP_STEP + ") failed: agent db-1 is not connected\n");

    control.errors.put(
        "GetWorkflow", Status.NOT_FOUND.withDescription("no workflow 'wf-x'").asRuntimeException());
    result = coffer("workflow", "show", "wf-x");
    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.err()).isEqualTo("coffer: NOT_FOUND: no workflow 'wf-x'\n");
  }

  @Test
  void interruptingTheWaitSaysHowToFollowTheWorkflow() throws Exception {
    control.replies.put(
        "GetWorkflow",
        createReplica("cr-6", WorkflowState.WORKFLOW_STATE_RUNNING, 1, BACKUP_STEP).build());
    AtomicReference<Cli.Result> result = new AtomicReference<>();
    Thread waiting =
        new Thread(
            () ->
                result.set(
                    Cli.run(
                        args(
                            "replica",
                            "create",
                            "db-1",
                            "--instance",
                            "db-2",
                            "--command-id",
                            "cr-6"))));
    waiting.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (control.all(GetWorkflowRequest.class).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    waiting.interrupt();
    waiting.join(10_000);
    assertThat(result.get()).isNotNull();
    assertThat(result.get().exitCode()).as(result.get().toString()).isEqualTo(1);
    assertThat(result.get().err())
        .endsWith(
            "coffer: interrupted; create-replica workflow cr-6 (replica db-2 of db-1) "
                + "goes on in the control: follow it with 'coffer workflow show cr-6'\n");
  }

  @Test
  void onATerminalTheStepIsOneLineRewrittenInPlace() {
    StringWriter err = new StringWriter();
    AtomicLong nanos = new AtomicLong();
    WorkflowProgress progress = new WorkflowProgress(new PrintWriter(err), true, nanos::get);
    progress.update(
        createReplica("cr-1", WorkflowState.WORKFLOW_STATE_RUNNING, 1, BACKUP_STEP).build());
    nanos.addAndGet(Duration.ofSeconds(75).toNanos());
    progress.update(
        createReplica("cr-1", WorkflowState.WORKFLOW_STATE_RUNNING, 2, "restore").build());
    progress.update(
        createReplica("cr-1", WorkflowState.WORKFLOW_STATE_SUCCEEDED, 5, "").build()); // nothing
    progress.clear();
    String first = "step 2/5: " + BACKUP_STEP + " (0ms)";
    String second = "step 3/5: restore (1m15s)";
    assertThat(err.toString())
        .isEqualTo(
            "\r"
                + first
                + "\r"
                + second
                + " ".repeat(first.length() - second.length())
                + "\r"
                + " ".repeat(second.length())
                + "\r");

    assertThat(
            WorkflowProgress.step(
                Workflow.newBuilder()
                    .setStepsDone(5)
                    .setStepCount(5)
                    .setStepName("finishing")
                    .build()))
        .isEqualTo("step 5/5: finishing");
  }
}
