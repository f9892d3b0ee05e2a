package io.coffer.control.workflow;

import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * One step of a workflow. It must be idempotent: after a control restart the step that was running
 * runs again. Steps that send commands use {@link WorkflowRunner#commandId} so a repeat joins the
 * journaled command instead of running it twice.
 */
@FunctionalInterface
public interface WorkflowStep {
  /**
   * @return parameters to add for later steps (e.g. a backup id); empty for none
   */
  Mono<Map<String, String>> run(Workflow workflow);
}
