package io.coffer.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What /proc says about a process: CPU time (its own, and that of its children it has waited for),
 * RSS and its peak. Everything in KiB or milliseconds; -1 (or 0 for CPU) when the process is gone.
 */
final class ProcStat {
  /** USER_HZ: /proc reports CPU time in these ticks; 100 on every mainstream Linux build. */
  private static final long MILLIS_PER_TICK = 10;

  private ProcStat() {}

  /** utime + stime of {@code pid}, in ms. */
  static long cpuMillis(long pid) {
    long[] f = stat(pid);
    return f == null ? 0 : (f[11] + f[12]) * MILLIS_PER_TICK;
  }

  /**
   * cutime + cstime of {@code pid}, in ms: the CPU of the children it has waited for. A tool that
   * exited in between shows up here (the JVM reaps its children), which is how the CPU of a
   * short-lived mariadb-backup is measured.
   */
  static long childrenCpuMillis(long pid) {
    long[] f = stat(pid);
    return f == null ? 0 : (f[13] + f[14]) * MILLIS_PER_TICK;
  }

  static long rssKiB(long pid) {
    return statusField(pid, "VmRSS:");
  }

  /** Peak RSS since start, or since the last {@link #resetPeak}. */
  static long peakRssKiB(long pid) {
    return statusField(pid, "VmHWM:");
  }

  /**
   * Resets the process's peak RSS to its current RSS (Linux 4.0+, writing 5 to clear_refs; needs to
   * own the process or be root).
   *
   * @return whether it worked; if not, the peak counts from the process's start
   */
  static boolean resetPeak(long pid) {
    try {
      Files.writeString(Path.of("/proc/" + pid + "/clear_refs"), "5");
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The numeric fields after the parenthesised command name (which may hold spaces); index 0 is the
   * state.
   */
  private static long[] stat(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
      long[] out = new long[15]; // up to cstime; later fields (rsslim) can exceed a long
      for (int i = 1; i < out.length; i++) {
        out[i] = Long.parseLong(f[i]);
      }
      return out;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static long statusField(long pid, String name) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith(name)) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone
    }
    return -1;
  }
}
