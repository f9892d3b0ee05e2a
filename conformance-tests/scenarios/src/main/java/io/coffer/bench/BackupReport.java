package io.coffer.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/** The figures of one backup benchmark run, printed as one table with the goals. */
final class BackupReport {
  /** "Heap flat": the large database's heap high-water at most this much above the small one's. */
  static final double HEAP_FLAT_GOAL = 1.25;

  final List<String> setup = new ArrayList<>();
  long smallLoadedBytes;
  long largeLoadedBytes;
  final List<CofferBackup.Run> small = new ArrayList<>();
  final List<RawBackup.Run> raw = new ArrayList<>();
  final List<CofferBackup.Run> large = new ArrayList<>();
  final List<PipelineProfile.Result> profiles = new ArrayList<>();

  private int goals;
  private int met;

  void print(PrintStream out) {
    goals = 0;
    met = 0;
    out.println();
    out.println("Coffer backup benchmark");
    setup.forEach(s -> out.println("  " + s));
    out.println();
    String format = "%-52s %-46s %-10s %-5s %s%n";
    out.printf(format, "Measure", "Result", "Goal", "", "Note");
    out.println("-".repeat(150));

    CofferBackup.Run s = median(small, CofferBackup.Run::nanos);
    out.printf(
        format,
        "Small DB: " + mib(smallLoadedBytes) + " loaded -> backup stream",
        mib(s.rawBytes()),
        "",
        "",
        "raw bytes from mariadb-backup (manifest)");
    out.printf(
        format,
        "  Coffer backup" + of(small),
        time(s.nanos(), s.rawBytes()),
        "",
        "",
        "agent pipeline " + time(s.pipelineNanos(), s.rawBytes()));

    long rawBytes = median(large, CofferBackup.Run::nanos).rawBytes();
    out.printf(
        format,
        "Large DB: " + mib(largeLoadedBytes) + " loaded -> backup stream",
        mib(rawBytes),
        "",
        "",
        "");
    RawBackup.Run rawBest = best(raw, RawBackup.Run::nanos);
    RawBackup.Run rawMedian = median(raw, RawBackup.Run::nanos);
    CofferBackup.Run best = best(large, CofferBackup.Run::nanos);
    CofferBackup.Run med = median(large, CofferBackup.Run::nanos);
    out.printf(
        format,
        "  raw mariadb-backup > /dev/null" + of(raw),
        time(rawBest.nanos(), rawBytes),
        "",
        "",
        raw.size() > 1 ? "median " + time(rawMedian.nanos(), rawBytes) : "");
    out.printf(
        format,
        "  Coffer backup to local storage" + of(large),
        time(best.nanos(), best.rawBytes()),
        "",
        "",
        raw.size() > 1 ? "median " + time(med.nanos(), med.rawBytes()) : "");
    out.printf(
        format,
        "    of which the agent's pipeline (manifest times)",
        time(best.pipelineNanos(), best.rawBytes()),
        "",
        "",
        "the rest: dispatch, tool version check, polling");
    double ratio = (double) rawBest.nanos() / best.nanos();
    double medianRatio = (double) rawMedian.nanos() / med.nanos();
    out.printf(
        format,
        "  Coffer / raw throughput",
        fmt("%.2fx", ratio),
        "", // the raw tool does not compress, encrypt nor store: compared with the pipeline below
        "",
        raw.size() > 1 ? fmt("best of each; medians: %.2fx", medianRatio) : "");
    out.printf(
        format,
        "  compression (raw / stored)",
        fmt("%.2fx", (double) best.rawBytes() / best.storedBytes()),
        "",
        "",
        fmt(
            "stored %s; zstd output %s, AEAD adds %,d bytes",
            mib(best.storedBytes()),
            mib(best.compressedBytes()),
            best.storedBytes() - best.compressedBytes()));
    out.printf(
        format,
        "  CPU, raw: tool + mariadbd",
        fmt("%s + %s", sec(rawMedian.cpuMillis()), sec(rawMedian.mariadbdCpuMillis())),
        "",
        "",
        fmt(
            "%.0f%% of one core for the tool",
            100.0 * rawMedian.cpuMillis() * 1e6 / rawMedian.nanos()));
    out.printf(
        format,
        "  CPU, Coffer: agent + tool + mariadbd",
        fmt(
            "%s + %s + %s",
            sec(med.agentCpuMillis()), sec(med.toolCpuMillis()), sec(med.mariadbdCpuMillis())),
        "",
        "",
        fmt(
            "agent %.0f%%, tool %.0f%% of one core",
            100.0 * med.agentCpuMillis() * 1e6 / med.nanos(),
            100.0 * med.toolCpuMillis() * 1e6 / med.nanos()));
    for (PipelineProfile.Result p : profiles) {
      out.printf(
          format, "  stages, no storage, " + p.label(), p.describe(), "", "", p.zstdVariants());
    }

    long smallHeap = max(small, r -> r.heap().usedMaxKiB());
    long largeHeap = max(large, r -> r.heap().usedMaxKiB());
    out.printf(
        format,
        "Agent heap used, high-water: small / large",
        kib(smallHeap) + " / " + kib(largeHeap),
        fmt("<= %.2fx", HEAP_FLAT_GOAL),
        status(largeHeap <= HEAP_FLAT_GOAL * smallHeap),
        fmt(
            "flat: large / small = %.2fx; sampled every 100 ms (jstat)",
            (double) largeHeap / smallHeap));
    out.printf(
        format,
        "Agent heap used at the start: small / large",
        kib(s.heap().usedFirstKiB()) + " / " + kib(med.heap().usedFirstKiB()),
        "",
        "",
        "right after a full GC (jcmd GC.run), before CreateBackup");
    out.printf(
        format,
        "Agent heap committed, high-water: small / large",
        kib(max(small, r -> r.heap().committedMaxKiB()))
            + " / "
            + kib(max(large, r -> r.heap().committedMaxKiB())),
        "",
        "",
        "what the JVM grew the heap to (-Xmx caps it)");
    out.printf(
        format,
        "Agent old gen used, high-water: small / large",
        kib(max(small, r -> r.heap().oldMaxKiB()))
            + " / "
            + kib(max(large, r -> r.heap().oldMaxKiB())),
        "",
        "",
        "what survives collections");
    out.printf(
        format,
        "Agent GCs per backup (young / full): small / large",
        fmt(
            "%d / %d, %d / %d",
            s.heap().youngGcs(), s.heap().fullGcs(), med.heap().youngGcs(), med.heap().fullGcs()),
        "",
        "",
        "");
    boolean sinceStart = small.stream().anyMatch(CofferBackup.Run::peakSinceStart);
    out.printf(
        format,
        "Agent RSS, high-water: small / large",
        kib(max(small, CofferBackup.Run::peakRssKiB))
            + " / "
            + kib(max(large, CofferBackup.Run::peakRssKiB)),
        "",
        "",
        (sinceStart
                ? "kernel peak (VmHWM) since the agent's start"
                : "kernel peak (VmHWM) during the backup")
            + fmt(
                "; sampled: %s / %s",
                kib(max(small, CofferBackup.Run::rssMaxKiB)),
                kib(max(large, CofferBackup.Run::rssMaxKiB))));
    out.println("-".repeat(150));
    out.printf("Goals met: %d of %d%n", met, goals);
    out.println(
        "Times: wall clock; raw from spawn to exit, Coffer from CreateBackup to COMPLETED seen (GetBackup every 50 ms)."
            + " MiB/s: the backup stream's raw bytes (Coffer's manifest) per second, for both.");
    if (!profiles.isEmpty()) {
      out.println(
          "Stages (--profile): BackupPipeline's zstd-3, AES-GCM and SHA-256, each alone and chained, one pass over a saved"
              + " stream in a child JVM, no storage; MiB/s of the uncompressed stream (chained, AES and SHA only see zstd's output).");
    }
  }

  private static String of(List<?> runs) {
    return runs.size() > 1 ? " (best of " + runs.size() + ")" : "";
  }

  private String status(boolean ok) {
    goals++;
    if (ok) {
      met++;
    }
    return ok ? "PASS" : "MISS";
  }

  private static <T> T best(List<T> runs, ToLongFunction<T> key) {
    return runs.stream().min(Comparator.comparingLong(key)).orElseThrow();
  }

  /** The lower median. */
  static <T> T median(List<T> runs, ToLongFunction<T> key) {
    List<T> sorted = runs.stream().sorted(Comparator.comparingLong(key)).toList();
    return sorted.get((sorted.size() - 1) / 2);
  }

  private static <T> long max(List<T> runs, ToLongFunction<T> key) {
    return runs.stream().mapToLong(key).max().orElse(0);
  }

  private static String time(long nanos, long bytes) {
    return fmt("%.2f s, %.1f MiB/s", nanos / 1e9, bytes / 1048576.0 / (nanos / 1e9));
  }

  private static String sec(long millis) {
    return fmt("%.1f s", millis / 1000.0);
  }

  static String mib(long bytes) {
    return fmt("%.0f MiB", bytes / 1048576.0);
  }

  private static String kib(long kib) {
    return fmt("%.1f MiB", kib / 1024.0);
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
