package io.coffer.control.cli;

import io.coffer.proto.v1.CommandState;
import io.coffer.proto.v1.CommandStatus;
import io.coffer.proto.v1.GetCommandRequest;
import io.coffer.proto.v1.GetInstanceRequest;
import io.coffer.proto.v1.InstanceState;
import io.coffer.proto.v1.InstanceStatus;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * The progress of a long-running command (a backup or a restore) on stderr, from its {@link
 * CommandStatus}: on a terminal, one line rewritten in place; otherwise a line at most every {@link
 * #LOG_INTERVAL}, so that logs stay short. Never on stdout, which carries the result.
 */
final class JobWatch {

  /** How often the commands that wait for a job ask the control about it. */
  static final Duration POLL_INTERVAL = Duration.ofMillis(500);

  /** At most one progress line per this interval when stderr is not a terminal. */
  static final Duration LOG_INTERVAL = Duration.ofSeconds(5);

  private final PrintWriter err;
  private final boolean terminal;
  private final String label;
  private final LongSupplier nanoTime;
  private final long start;
  private long lastLogged;

  /** Characters of the line shown in place, 0 when none. */
  private int shown;

  /**
   * @param label what runs, e.g. {@code backup bk-0123 of db-1}
   */
  JobWatch(PrintWriter err, boolean terminal, String label) {
    this(err, terminal, label, System::nanoTime);
  }

  JobWatch(PrintWriter err, boolean terminal, String label, LongSupplier nanoTime) {
    this.err = err;
    this.terminal = terminal;
    this.label = label;
    this.nanoTime = nanoTime;
    this.start = nanoTime.getAsLong();
    this.lastLogged = start;
  }

  /** Time since this progress display was created. */
  Duration elapsed() {
    return Duration.ofNanos(nanoTime.getAsLong() - start);
  }

  /**
   * Asks the control for the command's progress, and while it waits whether its agent is reachable,
   * and shows it; a failed lookup shows no progress.
   */
  void poll(ControlClient client, String commandId) {
    CommandStatus status;
    try {
      status =
          client
              .commands()
              .getCommand(GetCommandRequest.newBuilder().setCommandId(commandId).build());
    } catch (StatusRuntimeException e) {
      status = null; // not journaled yet, or a transient failure: the outcome is what matters
    }
    InstanceStatus instance = null;
    if (status != null
        && status.getState() == CommandState.COMMAND_STATE_PENDING
        && !status.getInstanceId().isEmpty()) {
      try {
        instance =
            client
                .instances()
                .getInstance(
                    GetInstanceRequest.newBuilder().setInstanceId(status.getInstanceId()).build());
      } catch (StatusRuntimeException e) {
        // unknown here: show the command's progress alone
      }
    }
    update(status, instance, Instant.now());
  }

  /** Shows the progress in {@code status} (null: unknown). */
  void update(CommandStatus status) {
    update(status, null, Instant.now());
  }

  /**
   * Shows the progress in {@code status} (null: unknown); when {@code instance} (the agent the
   * command waits for; null: not asked) is unreachable, says so and since when instead, so that a
   * wait for a dead agent does not look like a job that makes no progress.
   */
  void update(CommandStatus status, InstanceStatus instance, Instant now) {
    String state;
    if (instance != null && instance.getState() == InstanceState.INSTANCE_STATE_UNREACHABLE) {
      state =
          "the agent of "
              + instance.getInstanceId()
              + " is unreachable"
              + (Output.isSet(instance.getLastHeartbeat())
                  ? " since "
                      + Output.time(instance.getLastHeartbeat())
                      + " ("
                      + Output.age(instance.getLastHeartbeat(), now)
                      + ")"
                  : "")
              + "; waiting for it to come back";
    } else if (status != null && known(status)) {
      state = describe(status.getProgressBytes(), status.getProgressPercent());
    } else if (status != null
        && (status.getState() == CommandState.COMMAND_STATE_SUCCEEDED
            || status.getState() == CommandState.COMMAND_STATE_FAILED
            || status.getState() == CommandState.COMMAND_STATE_CANCELLED)) {
      state = "finishing";
    } else {
      state = "no progress reported yet";
    }
    String text = label + ": " + state + " (" + Output.duration(elapsed()) + ")";
    if (terminal) {
      err.print("\r" + text + " ".repeat(Math.max(0, shown - text.length())));
      shown = text.length();
      err.flush();
      return;
    }
    long tick = nanoTime.getAsLong();
    if (tick - lastLogged >= LOG_INTERVAL.toNanos()) {
      lastLogged = tick;
      err.println(text);
      err.flush();
    }
  }

  /** Erases the line shown in place, before the result is printed. */
  void clear() {
    if (terminal && shown > 0) {
      err.print("\r" + " ".repeat(shown) + "\r");
      err.flush();
      shown = 0;
    }
  }

  /** Whether a command reports progress: PENDING, with bytes or a percentage. */
  static boolean known(CommandStatus status) {
    return status.getState() == CommandState.COMMAND_STATE_PENDING
        && (status.getProgressBytes() > 0 || status.getProgressPercent() > 0);
  }

  /** {@code 123.4 MiB, 42%}, or {@code 123.4 MiB} when the percentage is not known (negative). */
  static String describe(long bytes, int percent) {
    String text = Output.mib(bytes);
    return percent >= 0 ? text + ", " + Math.min(percent, 100) + "%" : text;
  }
}
