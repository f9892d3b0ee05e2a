package io.coffer.bench;

import io.coffer.bench.LatencyRecorder.Latency;
import io.coffer.bench.Load.Throughput;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The figures of one run, filled in phase by phase, printed as one table with goals and reference
 * figures.
 */
final class Report {
  static final String REFERENCE =
      "Reference: Trove 18 guest agent over RabbitMQ (same kind of machine): 1.92 ms p50, "
          + "~770 calls/s at 32 callers, 99 MiB RSS, 1.4 s start; raw gRPC mTLS: 0.17 ms p50 warm, ~18k calls/s at 32 callers";

  final List<String> setup = new ArrayList<>();
  Latency rawLatency;
  Throughput rawThroughput;

  /** CPU per call in the 32-caller windows, per process (see {@link CpuMeter}). */
  String rawCpu = "";

  String pingCpu = "";
  String noopCpu = "";
  Latency pingLatency;
  Throughput pingThroughput;
  Latency noopLatency;
  Throughput noopThroughput;
  long agentIdleKiB;

  /** Quiet seconds between the agent's first healthy status and the idle sample. */
  long agentIdleAfterSeconds;

  long agentPingMaxKiB;
  long agentNoopMaxKiB;
  long controlIdleKiB;
  long controlMaxKiB;
  final List<Duration> starts = new ArrayList<>();

  /** Per start sample: where its time went (see {@link StartTimeline}). */
  final List<String> startTimelines = new ArrayList<>();

  private int goals;
  private int met;

  void print(PrintStream out) {
    goals = 0;
    met = 0;
    out.println();
    out.println("Coffer channel benchmark");
    setup.forEach(s -> out.println("  " + s));
    out.println();
    String format = "%-44s %-30s %-12s %-5s %s%n";
    out.printf(format, "Measure", "Result", "Goal", "", "Reference");
    out.println("-".repeat(140));
    out.printf(
        format,
        "Raw gRPC echo, p50 / p99, 1 caller",
        latency(rawLatency),
        "",
        "",
        "raw gRPC mTLS: 0.17 ms p50");
    out.printf(
        format,
        "Raw gRPC echo, 32 callers",
        throughput(rawThroughput),
        "",
        "",
        "raw gRPC mTLS: ~18k calls/s");
    cpu(out, rawCpu);
    out.printf(
        format,
        "Coffer Ping, p50 / p99, 1 caller",
        latency(pingLatency),
        "",
        "",
        "Trove 18: 1.92 ms p50");
    out.printf(
        format,
        "Coffer Ping, 32 callers",
        throughput(pingThroughput),
        "",
        "",
        "Trove 18: ~770 calls/s");
    cpu(out, pingCpu);
    double latencyRatio = ratio(pingLatency.p50Nanos(), rawLatency.p50Nanos());
    out.printf(
        format,
        "Ping p50 / raw p50",
        fmt("%.2fx", latencyRatio),
        "<= 1.5x",
        status(latencyRatio <= 1.5),
        "Trove 18: 11.3x (1.92 / 0.17 ms)");
    double throughputRatio = pingThroughput.callsPerSecond() / rawThroughput.callsPerSecond();
    out.printf(
        format,
        "Ping throughput / raw, 32 callers",
        fmt("%.2fx", throughputRatio),
        ">= 0.6x",
        status(throughputRatio >= 0.6),
        "Trove 18: ~0.04x (770 / 18k)");
    out.printf(
        format,
        "Noop (journaled), 32 callers",
        throughput(noopThroughput),
        ">= 2,000/s",
        status(noopThroughput.callsPerSecond() >= 2000),
        "");
    cpu(out, noopCpu);
    out.printf(format, "Noop (journaled), p50 / p99, 1 caller", latency(noopLatency), "", "", "");
    out.printf(
        format,
        "Agent RSS, idle (" + agentIdleAfterSeconds + " s after healthy)",
        mib(agentIdleKiB),
        "<= 96 MiB",
        status(agentIdleKiB <= 96 * 1024),
        "Trove 18: 99 MiB");
    out.printf(
        format,
        "Agent RSS, max under load (Ping / Noop)",
        mib(agentPingMaxKiB) + " / " + mib(agentNoopMaxKiB),
        "",
        "",
        "");
    Duration median = median(starts);
    out.printf(
        format,
        "Start -> first answered Ping" + (starts.size() > 1 ? " (median)" : ""),
        median.toMillis() + " ms",
        "<= 1 s",
        status(median.compareTo(Duration.ofSeconds(1)) <= 0),
        "Trove 18: 1.4 s");
    for (int i = 0; i < starts.size(); i++) {
      out.printf(
          "  agent %d: first Ping at %d ms; ms after spawn: %s%n",
          i + 1, starts.get(i).toMillis(), i < startTimelines.size() ? startTimelines.get(i) : "");
    }
    out.printf(
        format,
        "Control RSS, idle / max under load (info)",
        mib(controlIdleKiB) + " / " + mib(controlMaxKiB),
        "",
        "",
        "");
    out.println("-".repeat(140));
    out.printf("Goals met: %d of %d%n", met, goals);
    out.println(REFERENCE);
    out.println(
        "Throughput rows: completed calls per second in the window (latency p50 / p99 under that load); errors, if any, in brackets.");
  }

  private static void cpu(PrintStream out, String perCall) {
    if (!perCall.isEmpty()) {
      out.println("    CPU per call: " + perCall);
    }
  }

  private String status(boolean ok) {
    goals++;
    if (ok) {
      met++;
    }
    return ok ? "PASS" : "MISS";
  }

  private static String latency(Latency l) {
    return fmt("%.3f / %.3f ms", l.p50Millis(), l.p99Millis());
  }

  private static String throughput(Throughput t) {
    String s =
        fmt(
            "%,.0f/s (%.2f / %.2f ms)",
            t.callsPerSecond(), t.latency().p50Millis(), t.latency().p99Millis());
    return t.errors() == 0 ? s : s + fmt(" [%d errors: %s]", t.errors(), t.firstError());
  }

  private static String mib(long kib) {
    return fmt("%.1f MiB", kib / 1024.0);
  }

  private static double ratio(long a, long b) {
    return b == 0 ? Double.NaN : (double) a / b;
  }

  private static Duration median(List<Duration> values) {
    List<Duration> sorted = values.stream().sorted().toList();
    return sorted.isEmpty() ? Duration.ZERO : sorted.get((sorted.size() - 1) / 2);
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
