package io.coffer.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * VmRSS of a process from /proc; and its highest value while a phase runs, read every 100 ms on a
 * daemon thread (cheap enough not to disturb the load, frequent enough to catch a 10 s plateau).
 */
final class RssSampler implements AutoCloseable {
  private final long pid;
  private final Thread thread;
  private volatile long maxKiB;
  private volatile boolean stopped;

  private RssSampler(long pid) {
    this.pid = pid;
    this.thread = new Thread(this::run, "rss-" + pid);
    thread.setDaemon(true);
  }

  static RssSampler start(long pid) {
    RssSampler s = new RssSampler(pid);
    s.thread.start();
    return s;
  }

  /** Resident set size in KiB, or -1 when the process is gone. */
  static long rssKiB(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      // gone
    }
    return -1;
  }

  private void run() {
    while (!stopped) {
      maxKiB = Math.max(maxKiB, rssKiB(pid));
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Highest RSS seen, in KiB. */
  long maxKiB() {
    return maxKiB;
  }

  @Override
  public void close() throws InterruptedException {
    stopped = true;
    thread.interrupt();
    thread.join();
    maxKiB = Math.max(maxKiB, rssKiB(pid));
  }
}
