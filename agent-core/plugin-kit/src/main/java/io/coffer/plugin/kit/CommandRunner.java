package io.coffer.plugin.kit;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short-lived helper program (e.g. initdb, mariadb-install-db, id), never through a shell
 * and without the environment variables its {@link ToolEnvironment} drops, keeping the tail of its
 * output.
 */
public final class CommandRunner {

  // mariadb-install-db prints the server's real error above a 25-line help text: keep both
  private static final int TAIL_LINES = 60;

  public record Result(int exitCode, String outputTail) {}

  private CommandRunner() {}

  /** Runs {@code command}; exit code -1 means it was killed after {@code timeout}. */
  public static Result run(
      List<String> command, Path workingDir, Duration timeout, ToolEnvironment env)
      throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workingDir.toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    env.scrub(builder);
    Process process = builder.start();
    Tail tail = new Tail();
    // Drain output on a thread so a chatty child cannot block on a full pipe while we wait.
    Thread reader =
        new Thread(
            () -> tail.consume(process.getInputStream()), "coffer-" + env.engine() + "-output");
    reader.setDaemon(true);
    reader.start();
    boolean exited;
    try {
      exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      // the agent is stopping: leave no helper behind (initdb and install-db run the server below
      // them)
      killTree(process);
      throw e;
    }
    if (!exited) {
      killTree(process);
      reader.join(1000);
      return new Result(-1, "killed after " + timeout.toSeconds() + " s\n" + tail.text());
    }
    reader.join(5000);
    return new Result(process.exitValue(), tail.text());
  }

  private static void killTree(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.onExit().get(10, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // best effort: the process may already be gone
    }
  }

  private static final class Tail {
    private final Deque<String> lines = new ArrayDeque<>();

    void consume(InputStream in) {
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          synchronized (this) {
            lines.addLast(line);
            if (lines.size() > TAIL_LINES) {
              lines.removeFirst();
            }
          }
        }
      } catch (IOException e) {
        // The process is gone; keep what was read.
      }
    }

    synchronized String text() {
      return String.join("\n", lines);
    }
  }
}
