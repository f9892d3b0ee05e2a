package io.coffer.control.workflow;

import java.util.List;
import java.util.Set;

/**
 * A kind of workflow: its named steps in order, and the parameters to forget when it ends (secrets).
 */
public record WorkflowDefinition(String kind, List<Named> steps, Set<String> secretParams) {

  /** A step with a name for status and logs, e.g. "restore the backup on the replica". */
  public record Named(String name, WorkflowStep step) {}

  public WorkflowDefinition {
    steps = List.copyOf(steps);
    secretParams = Set.copyOf(secretParams);
  }
}
