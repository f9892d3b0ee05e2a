package io.coffer.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time (user + system, from /proc/PID/stat) that each process spends inside a measurement
 * window. On a machine whose cores every process shares, the throughput phases are CPU-bound, so
 * CPU per call says where the time goes: throughput is roughly cores / total CPU per call.
 */
final class CpuMeter implements Load.WindowListener {
  /** USER_HZ: /proc reports CPU time in these ticks; 100 on every mainstream Linux build. */
  private static final long TICKS_PER_SECOND = 100;

  private final Map<String, Long> pids;
  private final Map<String, Long> atOpen = new LinkedHashMap<>();
  private final Map<String, Long> used = new LinkedHashMap<>();

  /**
   * @param pids label to pid, in the order to print them
   */
  CpuMeter(Map<String, Long> pids) {
    this.pids = pids;
  }

  /** Label to pid, in this order. */
  static Map<String, Long> labels(Object... labelsAndPids) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (int i = 0; i < labelsAndPids.length; i += 2) {
      m.put((String) labelsAndPids[i], (Long) labelsAndPids[i + 1]);
    }
    return m;
  }

  @Override
  public void opened() {
    pids.forEach((label, pid) -> atOpen.put(label, ticks(pid)));
  }

  @Override
  public void closed() {
    pids.forEach((label, pid) -> used.put(label, ticks(pid) - atOpen.get(label)));
  }

  /** e.g. "client 40 + control 95 + agent 61 = 196 us" */
  String perCall(long calls) {
    if (used.isEmpty() || calls == 0) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    long total = 0;
    for (Map.Entry<String, Long> e : used.entrySet()) {
      long micros = e.getValue() * 1_000_000 / TICKS_PER_SECOND / calls;
      parts.add(e.getKey() + " " + micros);
      total += micros;
    }
    return String.join(" + ", parts) + " = " + total + " us";
  }

  /**
   * utime + stime of {@code pid}; the fields after the parenthesised command name, which may
   * contain spaces.
   */
  private static long ticks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
