package io.coffer.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Last line of cleanup: processes still alive whose command line names this run's work directory (a
 * mariadbd an agent failed to stop, say). Only this run's directory matches, so nothing else on the
 * machine is touched.
 */
final class Leftovers {
  private Leftovers() {}

  static void reap(Path workDir) throws InterruptedException {
    String marker = workDir.toAbsolutePath().toString();
    long self = ProcessHandle.current().pid();
    List<ProcessHandle> stray =
        ProcessHandle.allProcesses()
            .filter(p -> p.pid() != self)
            .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
            .toList();
    for (ProcessHandle p : stray) {
      System.err.println(
          "cleanup: stopping leftover pid " + p.pid() + ": " + p.info().commandLine().orElse("?"));
      p.destroy();
    }
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    for (ProcessHandle p : stray) {
      while (p.isAlive() && System.nanoTime() < end) {
        Thread.sleep(100);
      }
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
  }
}
