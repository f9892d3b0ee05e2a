package io.coffer.control.northbound;

import com.google.protobuf.Timestamp;
import io.coffer.control.workflow.Workflow;
import io.coffer.control.workflow.WorkflowRunner;
import io.coffer.proto.v1.WorkflowState;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** A journaled workflow as the northbound API shows it: never with its secrets. */
final class Workflows {
  private Workflows() {}

  static io.coffer.proto.v1.Workflow toProto(WorkflowRunner runner, Workflow w) {
    Map<String, String> details = new TreeMap<>(w.params());
    details.remove(
        "password"); // a workflow journaled by an earlier control, before passwords were derived
    return io.coffer.proto.v1.Workflow.newBuilder()
        .setWorkflowId(w.id())
        .setKind(w.kind())
        .setState(
            switch (w.state()) {
              case RUNNING -> WorkflowState.WORKFLOW_STATE_RUNNING;
              case SUCCEEDED -> WorkflowState.WORKFLOW_STATE_SUCCEEDED;
              case FAILED -> WorkflowState.WORKFLOW_STATE_FAILED;
            })
        .setStepsDone(w.step())
        .setStepCount(runner.stepCount(w.kind()))
        .setStepName(runner.stepName(w))
        .setError(w.error())
        .setCreated(ts(w.created()))
        .setUpdated(ts(w.updated()))
        .putAllDetails(details)
        .build();
  }

  private static Timestamp ts(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }
}
