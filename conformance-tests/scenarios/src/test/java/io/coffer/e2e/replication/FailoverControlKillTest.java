package io.coffer.e2e.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.proto.v1.Event;
import io.coffer.proto.v1.GetHaSettingsRequest;
import io.coffer.proto.v1.GetWorkflowRequest;
import io.coffer.proto.v1.Role;
import io.coffer.proto.v1.Workflow;
import io.coffer.proto.v1.WorkflowState;
import io.coffer.tck.Testbed;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The control is killed with SIGKILL in the middle of an automatic failover (right after it started
 * it) and started again: the journaled workflow resumes where it was and promotes the replica once,
 * in one new term.
 */
class FailoverControlKillTest {
  private ReplicatedLedger pair;

  @AfterEach
  void stop() {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void aFailoverThatTheControlsDeathInterruptsResumesAndPromotesOnce() throws Exception {
    pair =
        ReplicatedLedger.start(
            Ledger.MARIADB, new ReplicatedLedger.Options(false, true, true, null));
    Testbed bed = pair.bed;
    try (Connection c = pair.app(pair.sourcePort);
        Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO entries (id) VALUES (1)");
    }
    List<ProcessHandle> server = pair.sourceProcess.descendants();
    pair.sourceProcess.kill9();
    server.forEach(ProcessHandle::destroyForcibly);

    Event started = bed.awaitEvent("failover_started", Duration.ofSeconds(60));
    bed.killControlProcess();
    bed.startControlProcess();

    String workflowId = started.getDetailsOrThrow("workflow_id");
    Workflow w = bed.awaitWorkflow(workflowId, Duration.ofMinutes(2));
    assertThat(w.getState()).as(w.getError()).isEqualTo(WorkflowState.WORKFLOW_STATE_SUCCEEDED);
    assertThat(w.getDetailsOrThrow("new_primary")).isEqualTo(ReplicatedLedger.REPLICA);
    bed.awaitRole(ReplicatedLedger.REPLICA, Role.ROLE_STANDALONE, Duration.ofSeconds(60));
    Thread.sleep(3000); // a second promotion, if the resumed workflow made one, would show by now
    assertThat(
            bed.replication()
                .getHaSettings(
                    GetHaSettingsRequest.newBuilder()
                        .setSourceInstanceId(ReplicatedLedger.REPLICA)
                        .build())
                .getTerm())
        .as("one new term")
        .isEqualTo(2);
    assertThat(bed.events(0, 10, List.of("failover_completed"), Duration.ofSeconds(3))).hasSize(1);
    assertThat(pair.ids(pair.replicaPort)).contains(1L);
    assertThat(
            bed.replication()
                .getWorkflow(GetWorkflowRequest.newBuilder().setWorkflowId(workflowId).build())
                .getDetailsOrThrow("term"))
        .isEqualTo("2");
  }
}
