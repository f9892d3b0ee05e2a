package io.coffer.spi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to run a datastore server in the foreground, for the runtime's supervisor.
 *
 * <p>The runtime starts {@code command} as a child process with {@code environment} added to its
 * own, stops it with SIGTERM and waits up to {@code stopTimeout} before SIGKILL, and restarts it
 * with backoff when it exits on its own. Standard output and error go to {@code logFile}.
 *
 * @param command program and arguments, never passed through a shell; the program may be a wrapper
 *     that changes the OS user and then execs the server after a {@code --} argument (e.g. {@code
 *     setpriv --reuid=... -- postgres ...}), so that the server is the supervised process
 * @param environment extra environment variables
 * @param workingDir working directory
 * @param logFile where the server's stdout/stderr are appended
 * @param stopTimeout how long a clean shutdown may take after SIGTERM
 * @param pidFile where the server writes its pid (on the first line; further lines are ignored, as
 *     in PostgreSQL's {@code postmaster.pid}), or null; lets a restarted agent adopt a server that
 *     survived the agent (e.g. after the agent was killed) instead of starting a second one, when
 *     that pid runs the program (or, for a wrapper, the program after {@code --})
 */
public record ProcessSpec(
    List<String> command,
    Map<String, String> environment,
    Path workingDir,
    Path logFile,
    Duration stopTimeout,
    Path pidFile) {

  /** A spec without a pid file. */
  public ProcessSpec(
      List<String> command,
      Map<String, String> environment,
      Path workingDir,
      Path logFile,
      Duration stopTimeout) {
    this(command, environment, workingDir, logFile, stopTimeout, null);
  }

  public ProcessSpec {
    command = List.copyOf(command);
    if (command.isEmpty()) {
      throw new IllegalArgumentException("command must not be empty");
    }
    environment = environment == null ? Map.of() : Map.copyOf(environment);
    Objects.requireNonNull(workingDir, "workingDir");
    Objects.requireNonNull(logFile, "logFile");
    stopTimeout = stopTimeout == null ? Duration.ofSeconds(60) : stopTimeout;
  }
}
