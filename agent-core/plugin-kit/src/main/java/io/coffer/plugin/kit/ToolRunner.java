package io.coffer.plugin.kit;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Starts the tools of one restore and kills whichever still run when it is closed, possibly from
 * another thread (the runtime cancels by closing). After close, nothing new starts.
 */
public final class ToolRunner implements AutoCloseable {

  private final Path workingDir;
  private final Set<ToolProcess> running = ConcurrentHashMap.newKeySet();
  private final ToolEnvironment env;
  private volatile boolean closed;

  public ToolRunner(Path workingDir, ToolEnvironment env) {
    this.workingDir = workingDir;
    this.env = env;
  }

  /** Starts a tool that the caller feeds or reads; call {@link #done} when it has exited. */
  public ToolProcess start(
      String name, List<String> command, ProcessBuilder.Redirect stdin, boolean dataOnStdout)
      throws IOException {
    if (closed) {
      throw new IOException("cancelled: " + name + " was not started");
    }
    ToolProcess tool = ToolProcess.start(name, command, workingDir, stdin, dataOnStdout, env);
    running.add(tool);
    if (closed) { // close() ran while we were starting it
      tool.kill();
      throw new IOException("cancelled: " + name + " was killed");
    }
    return tool;
  }

  public void done(ToolProcess tool) {
    running.remove(tool);
  }

  /**
   * Runs a tool to completion; throws with its exit status and output tail unless it exits with 0.
   */
  public void run(
      String name, List<String> command, ProcessBuilder.Redirect stdin, Duration timeout)
      throws IOException {
    ToolProcess tool = start(name, command, stdin, false);
    try {
      tool.check(timeout);
    } finally {
      done(tool);
    }
  }

  public void run(String name, List<String> command, Duration timeout) throws IOException {
    run(name, command, ProcessBuilder.Redirect.from(new File("/dev/null")), timeout);
  }

  @Override
  public void close() {
    closed = true;
    running.forEach(ToolProcess::kill);
  }
}
