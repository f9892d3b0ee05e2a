package io.coffer.control.workflow;

import java.util.List;

/**
 * A kind of workflow: its named steps in order. Its parameters hold no secret: a step derives the
 * passwords it needs ({@link io.coffer.control.keys.DerivedPasswords}), so the journal never holds
 * one.
 */
public record WorkflowDefinition(String kind, List<Named> steps) {

  /** A step with a name for status and logs, e.g. "restore the backup on the replica". */
  public record Named(String name, WorkflowStep step) {}

  public WorkflowDefinition {
    steps = List.copyOf(steps);
  }
}
