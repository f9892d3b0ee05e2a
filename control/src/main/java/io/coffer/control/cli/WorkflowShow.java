package io.coffer.control.cli;

import io.coffer.proto.v1.GetWorkflowRequest;
import io.coffer.proto.v1.Workflow;
import io.coffer.proto.v1.WorkflowState;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code coffer workflow show WORKFLOW_ID}. */
@Command(
    name = "show",
    description =
        "Show a workflow (create-replica, switchover or failover): its state, the steps done and the one "
            + "running (or that failed), the error it failed with, when it was created and last updated, and its "
            + "details (source, replica, backup_id, new_primary, ...). NOT_FOUND when the control does not know the id.")
final class WorkflowShow extends ClientCommand {

  @Parameters(
      index = "0",
      paramLabel = "WORKFLOW_ID",
      description = "The workflow id (the --command-id of the " + "command that started it).")
  String workflowId;

  @Override
  int run(ControlClient client) {
    Workflow workflow =
        client
            .replication()
            .getWorkflow(GetWorkflowRequest.newBuilder().setWorkflowId(workflowId).build());
    if (output().json()) {
      output().json(workflow);
      return ExitCodes.OK;
    }
    output().fields(fields(workflow));
    return ExitCodes.OK;
  }

  static List<String[]> fields(Workflow workflow) {
    List<String[]> fields =
        new ArrayList<>(
            List.of(
                new String[] {"Workflow", workflow.getWorkflowId()},
                new String[] {"Kind", Output.orDash(workflow.getKind())},
                new String[] {"State", Output.label(workflow.getState(), "WORKFLOW_STATE_")},
                new String[] {"Steps", steps(workflow)}));
    if (workflow.getState() == WorkflowState.WORKFLOW_STATE_FAILED
        || !workflow.getError().isEmpty()) {
      fields.add(new String[] {"Error", Output.orDash(workflow.getError())});
    }
    fields.add(new String[] {"Created", Output.time(workflow.getCreated())});
    fields.add(new String[] {"Updated", Output.time(workflow.getUpdated())});
    fields.add(new String[] {"Details", BackupShow.positions(workflow.getDetailsMap())});
    return fields;
  }

  /** {@code 1/5 done, running: take a full backup of the source}; {@code 5/5 done}. */
  static String steps(Workflow workflow) {
    String done = workflow.getStepsDone() + "/" + workflow.getStepCount() + " done";
    if (workflow.getStepName().isEmpty()) {
      return done;
    }
    return switch (workflow.getState()) {
      case WORKFLOW_STATE_RUNNING -> done + ", running: " + workflow.getStepName();
      case WORKFLOW_STATE_FAILED -> done + ", failed: " + workflow.getStepName();
      default -> done + ", " + workflow.getStepName();
    };
  }
}
