package io.coffer.plugin.postgresql.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One running tool (pg_basebackup, tar, pg_verifybackup), started without a shell and without the
 * agent's {@code PG*} environment variables. Its diagnostics (stderr, or stdout and stderr together
 * when stdout is not the data) are drained on a thread into an {@link OutputTail}, so a chatty tool
 * never blocks on a full pipe and its last words end up in error messages.
 */
final class ToolProcess {

  private static final Duration KILL_WAIT = Duration.ofSeconds(10);
  private static final Duration DRAIN_WAIT = Duration.ofSeconds(5);

  private final String name;
  private final Process process;
  private final OutputTail tail = new OutputTail();
  private final Thread drain;
  private volatile boolean killed;

  private ToolProcess(String name, Process process, InputStream diagnostics) {
    this.name = name;
    this.process = process;
    this.drain = new Thread(() -> tail.drain(diagnostics), "coffer-postgresql-" + name + "-output");
    drain.setDaemon(true);
    drain.start();
  }

  /**
   * Starts {@code command}.
   *
   * @param stdin where the tool reads from ({@link ProcessBuilder.Redirect#PIPE} for {@link #stdin()})
   * @param dataOnStdout whether stdout is the tool's data ({@link #stdout()}); otherwise it joins
   *     the diagnostics
   */
  static ToolProcess start(String name, List<String> command, Path workingDir, ProcessBuilder.Redirect stdin,
      boolean dataOnStdout) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile()).redirectInput(stdin);
    // PGHOST, PGUSER, PGPASSWORD, PGSERVICE ... would steer the tools away from our socket and role.
    builder.environment().keySet().removeIf(k -> k.startsWith("PG"));
    builder.redirectErrorStream(!dataOnStdout);
    Process process = builder.start();
    return new ToolProcess(name, process, dataOnStdout ? process.getErrorStream() : process.getInputStream());
  }

  String name() {
    return name;
  }

  InputStream stdout() {
    return process.getInputStream();
  }

  OutputStream stdin() {
    return process.getOutputStream();
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Waits for the tool to exit and returns its exit status. Kills it when it does not exit within
   * {@code timeout}, or when the waiting thread is interrupted.
   */
  int await(Duration timeout) throws IOException {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        kill();
        throw new IOException(name + " did not finish within " + timeout.toMinutes() + " min and was killed"
            + tailSuffix());
      }
      drain.join(DRAIN_WAIT.toMillis());
    } catch (InterruptedException e) {
      kill();
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for " + name + ", which was killed");
    }
    return process.exitValue();
  }

  /** Like {@link #await}, and throws unless the tool exited with status 0. */
  void check(Duration timeout) throws IOException {
    int exit = await(timeout);
    if (exit != 0) {
      throw new IOException(failure(exit));
    }
  }

  /** "name failed (exit N): tail", or says that it was killed. */
  String failure(int exit) {
    String how = killed ? " was killed (cancelled)" : " failed (exit " + exit + ")";
    return name + how + tailSuffix();
  }

  String tail() {
    return tail.text();
  }

  /** Kills the tool and anything it started; returns once it is gone (or after 10 s). Never throws. */
  void kill() {
    if (!process.isAlive()) {
      return;
    }
    killed = true;
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.onExit().get(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // best effort: it got SIGKILL
    }
  }

  private String tailSuffix() {
    String text = tail.text();
    return text.isEmpty() ? "" : ":\n" + text;
  }
}
