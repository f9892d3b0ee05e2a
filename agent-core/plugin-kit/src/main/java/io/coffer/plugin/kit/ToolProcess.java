package io.coffer.plugin.kit;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One running tool (e.g. pg_basebackup, mariadb-backup, tar), started without a shell and without
 * the environment variables its {@link ToolEnvironment} drops. Its diagnostics (stderr, or stdout
 * and stderr together when stdout is not the data) are drained on a thread into an {@link
 * OutputTail}, so a chatty tool never blocks on a full pipe and its last words end up in error
 * messages.
 */
public final class ToolProcess {

  private static final Duration KILL_WAIT = Duration.ofSeconds(10);
  private static final Duration DRAIN_WAIT = Duration.ofSeconds(5);

  private final String name;
  private final Process process;
  private final OutputTail tail = new OutputTail();
  private final Thread drain;
  private volatile boolean killed;

  private ToolProcess(String name, Process process, InputStream diagnostics, ToolEnvironment env) {
    this.name = name;
    this.process = process;
    this.drain =
        new Thread(
            () -> tail.drain(diagnostics), "coffer-" + env.engine() + "-" + name + "-output");
    drain.setDaemon(true);
    drain.start();
  }

  /**
   * Starts {@code command}.
   *
   * @param stdin where the tool reads from ({@link ProcessBuilder.Redirect#PIPE} for {@link
   *     #stdin()})
   * @param dataOnStdout whether stdout is the tool's data ({@link #stdout()}); otherwise it joins
   *     the diagnostics
   * @param env which environment variables the tool must not see
   */
  public static ToolProcess start(
      String name,
      List<String> command,
      Path workingDir,
      ProcessBuilder.Redirect stdin,
      boolean dataOnStdout,
      ToolEnvironment env)
      throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(workingDir.toFile()).redirectInput(stdin);
    env.scrub(builder);
    builder.redirectErrorStream(!dataOnStdout);
    Process process = builder.start();
    return new ToolProcess(
        name, process, dataOnStdout ? process.getErrorStream() : process.getInputStream(), env);
  }

  public String name() {
    return name;
  }

  public InputStream stdout() {
    return process.getInputStream();
  }

  public OutputStream stdin() {
    return process.getOutputStream();
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Waits for the tool to exit and returns its exit status. Kills it when it does not exit within
   * {@code timeout}, or when the waiting thread is interrupted.
   */
  public int await(Duration timeout) throws IOException {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        kill();
        throw new IOException(
            name
                + " did not finish within "
                + timeout.toMinutes()
                + " min and was killed"
                + tailSuffix());
      }
      drain.join(DRAIN_WAIT.toMillis());
    } catch (InterruptedException e) {
      kill();
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(
          "interrupted while waiting for " + name + ", which was killed");
    }
    return process.exitValue();
  }

  /** Like {@link #await}, and throws unless the tool exited with status 0. */
  public void check(Duration timeout) throws IOException {
    int exit = await(timeout);
    if (exit != 0) {
      throw new IOException(failure(exit));
    }
  }

  /** "name failed (exit N): tail", or says that it was killed. */
  public String failure(int exit) {
    String how = killed ? " was killed (cancelled)" : " failed (exit " + exit + ")";
    return name + how + tailSuffix();
  }

  public String tail() {
    return tail.text();
  }

  /**
   * Kills the tool and anything it started; returns once it is gone (or after 10 s). Never throws.
   */
  public void kill() {
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
