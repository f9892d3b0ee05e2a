package io.coffer.control.cli;

import io.coffer.proto.v1.Workflow;
import io.coffer.proto.v1.WorkflowState;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The step a running workflow is at, on stderr: on a terminal, one line rewritten in place (with
 * the time waited so far); otherwise one line per step, when the step changes. Never on stdout,
 * which carries the result.
 */
final class WorkflowProgress {

  private final PrintWriter err;
  private final boolean terminal;
  private final LongSupplier nanoTime;
  private final long start;

  /** The step last shown, null when none. */
  private String lastStep;

  /** Characters of the line shown in place, 0 when none. */
  private int shown;

  WorkflowProgress(PrintWriter err, boolean terminal) {
    this(err, terminal, System::nanoTime);
  }

  WorkflowProgress(PrintWriter err, boolean terminal, LongSupplier nanoTime) {
    this.err = err;
    this.terminal = terminal;
    this.nanoTime = nanoTime;
    this.start = nanoTime.getAsLong();
  }

  /** Time since this progress display was created. */
  Duration elapsed() {
    return Duration.ofNanos(nanoTime.getAsLong() - start);
  }

  /**
   * Shows the step of a running workflow; a finished one shows nothing (its outcome is the result).
   */
  void update(Workflow workflow) {
    if (workflow.getState() != WorkflowState.WORKFLOW_STATE_RUNNING) {
      return;
    }
    String step = step(workflow);
    if (terminal) {
      String text = step + " (" + Output.duration(elapsed()) + ")";
      err.print("\r" + text + " ".repeat(Math.max(0, shown - text.length())));
      shown = text.length();
      err.flush();
    } else if (!step.equals(lastStep)) {
      err.println(step);
      err.flush();
    }
    lastStep = step;
  }

  /** Erases the line shown in place, before the result is printed. */
  void clear() {
    if (terminal && shown > 0) {
      err.print("\r" + " ".repeat(shown) + "\r");
      err.flush();
      shown = 0;
    }
  }

  /** {@code step 2/5: take a full backup of the source}: the step running, counted from 1. */
  static String step(Workflow workflow) {
    int count = workflow.getStepCount();
    int number =
        count > 0 ? Math.min(workflow.getStepsDone() + 1, count) : workflow.getStepsDone() + 1;
    return "step "
        + number
        + (count > 0 ? "/" + count : "")
        + ": "
        + Output.orDash(workflow.getStepName());
  }
}
