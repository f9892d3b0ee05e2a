package io.coffer.control.cli;

import io.coffer.proto.v1.GetWorkflowRequest;
import io.coffer.proto.v1.Workflow;
import io.coffer.proto.v1.WorkflowState;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Option;

/**
 * A command that starts a workflow in the control (create a replica, switchover, failover): its
 * {@code --command-id} is the workflow id. Unless {@code --no-wait}, it follows the workflow with
 * GetWorkflow, showing the step on stderr, and prints a summary; a FAILED workflow is exit code 1.
 */
abstract class WorkflowStartingCommand extends MutatingCommand {

  @Option(
      names = "--no-wait",
      description =
          "Return once the workflow has started; follow it with 'coffer workflow show ID'.")
  boolean noWait;

  /** Sends the request that starts (or, with a --command-id already used, returns) the workflow. */
  abstract Workflow start(ControlClient client);

  @Override
  final int run(ControlClient client) {
    Workflow workflow = start(client);
    String id = workflow.getWorkflowId().isEmpty() ? commandId() : workflow.getWorkflowId();
    if (noWait) {
      if (output().json()) {
        output().json(workflow);
      } else {
        output()
            .line(
                "Started "
                    + title(workflow, id)
                    + "; follow it with 'coffer workflow show "
                    + id
                    + "'");
      }
      return ExitCodes.OK;
    }
    if (!output().json()) {
      output().line("Started " + title(workflow, id));
    }
    WorkflowProgress progress = new WorkflowProgress(err(), cli().stderrIsTerminal());
    Thread onCtrlC = onCtrlC(err(), progress, "interrupted; " + goesOn(workflow, id));
    try {
      progress.update(workflow);
      while (workflow.getState() == WorkflowState.WORKFLOW_STATE_RUNNING) {
        try {
          Thread.sleep(JobWatch.POLL_INTERVAL.toMillis());
          workflow =
              client
                  .replication()
                  .getWorkflow(GetWorkflowRequest.newBuilder().setWorkflowId(id).build());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new CliException(ExitCodes.FAILURE, "interrupted; " + goesOn(workflow, id));
        } catch (StatusRuntimeException e) {
          if (Thread.currentThread()
              .isInterrupted()) { // the blocking call was cancelled by the interrupt
            throw new CliException(ExitCodes.FAILURE, "interrupted; " + goesOn(workflow, id));
          }
          throw e;
        }
        progress.update(workflow);
      }
    } finally {
      progress.clear();
      removeHook(onCtrlC);
    }
    if (output().json()) {
      output().json(workflow);
    }
    if (workflow.getState() == WorkflowState.WORKFLOW_STATE_FAILED) {
      throw new CliException(
          ExitCodes.FAILURE,
          title(workflow, id)
              + " failed: "
              + Output.orDash(workflow.getError())
              + " (see 'coffer workflow show "
              + id
              + "')");
    }
    if (workflow.getState() != WorkflowState.WORKFLOW_STATE_SUCCEEDED) {
      throw new CliException(
          ExitCodes.FAILURE,
          title(workflow, id)
              + " is "
              + Output.label(workflow.getState(), "WORKFLOW_STATE_")
              + ", not succeeded (see 'coffer workflow show "
              + id
              + "')");
    }
    if (!output().json()) {
      output().line("Completed " + title(workflow, id) + ":");
      output().fields(summary(workflow, progress));
    }
    return ExitCodes.OK;
  }

  /** {@code the switchover workflow sw-1 (...) goes on in the control: follow it with ...}. */
  private static String goesOn(Workflow workflow, String id) {
    return title(workflow, id)
        + " goes on in the control: follow it with 'coffer workflow show "
        + id
        + "'";
  }

  /**
   * Ctrl-C ends the JVM without interrupting the waiting thread: a shutdown hook says that the
   * workflow goes on, and how to follow it. Removed once the wait is over.
   */
  private static Thread onCtrlC(PrintWriter err, WorkflowProgress progress, String message) {
    Thread hook =
        new Thread(
            () -> {
              progress.clear();
              err.println("coffer: " + message);
              err.flush();
            },
            "coffer-ctrl-c");
    try {
      Runtime.getRuntime().addShutdownHook(hook);
    } catch (IllegalStateException e) {
      return null; // already shutting down
    }
    return hook;
  }

  private static void removeHook(Thread hook) {
    if (hook == null) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // shutting down: the hook runs
    }
  }

  /**
   * What a workflow does, with its id: {@code create-replica workflow cr-1 (replica db-2 of db-1)},
   * {@code switchover workflow sw-1 (db-2 replaces db-1 as primary)}, {@code failover workflow fo-1
   * (db-1 ejected, new primary db-3)}.
   */
  static String title(Workflow workflow, String id) {
    Map<String, String> d = workflow.getDetailsMap();
    String source = d.getOrDefault("source", "");
    String replica = d.getOrDefault("replica", "");
    String newPrimary = d.getOrDefault("new_primary", "");
    String about =
        switch (workflow.getKind()) {
          case "create_replica" ->
              replica.isEmpty() || source.isEmpty() ? "" : "replica " + replica + " of " + source;
          case "switchover" ->
              replica.isEmpty() || source.isEmpty()
                  ? ""
                  : replica + " replaces " + source + " as primary";
          case "repair_replica" ->
              replica.isEmpty() || source.isEmpty() ? "" : replica + " re-seeded from " + source;
          case "failover" ->
              source.isEmpty()
                  ? ""
                  : source
                      + " ejected"
                      + (newPrimary.isEmpty() ? "" : ", new primary " + newPrimary);
          case "create_cluster" -> "of " + d.getOrDefault("instances", "").replace(",", ", ");
          case "grow_cluster" ->
              d.getOrDefault("instance", "")
                  + " joins the cluster of "
                  + d.getOrDefault("member", "");
          case "shrink_cluster" ->
              d.getOrDefault("instance", "")
                  + " leaves the cluster of "
                  + d.getOrDefault("member", "");
          default -> "";
        };
    String kind =
        workflow.getKind().isEmpty()
            ? ""
            : workflow.getKind().replace('_', '-').toLowerCase(Locale.ROOT) + " ";
    return kind + "workflow " + id + (about.isEmpty() ? "" : " (" + about + ")");
  }

  /** State, steps, duration and the details of a finished workflow, as indented fields. */
  static List<String[]> summary(Workflow workflow, WorkflowProgress progress) {
    String duration =
        Output.isSet(workflow.getCreated()) && Output.isSet(workflow.getUpdated())
            ? Output.duration(workflow.getCreated(), workflow.getUpdated())
            : Output.duration(progress.elapsed());
    List<String[]> fields =
        new ArrayList<>(
            List.of(
                new String[] {"  state", Output.label(workflow.getState(), "WORKFLOW_STATE_")},
                new String[] {"  steps", workflow.getStepsDone() + "/" + workflow.getStepCount()},
                new String[] {"  duration", duration}));
    new TreeMap<>(workflow.getDetailsMap())
        .forEach((key, value) -> fields.add(new String[] {"  " + key, value}));
    return fields;
  }
}
