package io.coffer.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The Java heap of another JVM every 100 ms, with {@code jstat -gc PID 100}: one jstat JVM for the
 * whole phase, which reads the target's hsperfdata counters (the same ones {@code jcmd PID
 * GC.heap_info} prints) from shared memory. A {@code jcmd} per sample would start a JVM every 100
 * ms, which on two cores would take CPU from the backup it measures. jstat is started and answering
 * before the phase starts, so its own start-up is not inside the measured time.
 *
 * <p>Figures, in KiB: the heap used at the first sample, the highest heap used (survivors + eden +
 * old; it includes garbage not yet collected, so it mostly shows how far eden fills), the highest
 * heap committed (what the JVM grew the heap to: with the agent's tight free ratios this follows
 * what it needs), the highest old generation used (what survives collections), and the collections
 * during the phase.
 */
final class HeapSampler implements AutoCloseable {
  /** KiB, and the young and full collections during the phase. */
  record Heap(
      long usedFirstKiB,
      long usedMaxKiB,
      long committedMaxKiB,
      long oldMaxKiB,
      long youngGcs,
      long fullGcs,
      int samples) {}

  private final Process jstat;
  private final Thread reader;
  private final CountDownLatch firstSample = new CountDownLatch(1);
  private volatile String failure;
  private long usedFirst;
  private long usedMax;
  private long committedMax;
  private long oldMax;
  private long ygcFirst = -1;
  private long ygcLast;
  private long fgcFirst = -1;
  private long fgcLast;
  private int samples;

  private HeapSampler(long pid) throws IOException {
    jstat =
        new ProcessBuilder(jstat().toString(), "-gc", Long.toString(pid), "100")
            .redirectErrorStream(true)
            .start();
    reader = new Thread(this::read, "jstat-" + pid);
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts sampling and returns once the first sample is in. */
  static HeapSampler start(long pid) throws IOException, InterruptedException {
    HeapSampler s = new HeapSampler(pid);
    if (!s.firstSample.await(30, TimeUnit.SECONDS) || s.failure != null) {
      s.jstat.destroyForcibly();
      throw new IOException(
          "jstat -gc " + pid + " gave no sample: " + (s.failure != null ? s.failure : "timed out"));
    }
    return s;
  }

  /** jstat next to this JVM's java, else on PATH. */
  static Path jstat() {
    return jdkTool("jstat");
  }

  /**
   * A full collection in {@code pid} ({@code jcmd PID GC.run}), so that every measured phase starts
   * from the same heap: only what is live, none of the garbage earlier phases left in the old
   * generation.
   */
  static void fullGc(long pid) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(jdkTool("jcmd").toString(), Long.toString(pid), "GC.run")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("jcmd " + pid + " GC.run failed");
    }
  }

  private static Path jdkTool(String name) {
    Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
    Path sibling = java.resolveSibling(name);
    return Files.isExecutable(sibling) ? sibling : Path.of(name);
  }

  private void read() {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(jstat.getInputStream(), StandardCharsets.UTF_8))) {
      List<String> header = null;
      for (String line; (line = in.readLine()) != null; ) {
        String[] f = line.trim().split("\\s+");
        if (header == null) {
          if (!line.contains("EU")) {
            failure = line;
            firstSample.countDown();
            return;
          }
          header = Arrays.asList(f);
          continue;
        }
        if (f.length != header.size()) {
          continue;
        }
        try {
          sample(header, f);
        } catch (NumberFormatException e) {
          continue; // a "-" for a column the collector does not have
        }
        firstSample.countDown();
      }
    } catch (IOException e) {
      failure = e.toString();
    } finally {
      firstSample.countDown();
    }
  }

  private synchronized void sample(List<String> header, String[] f) {
    long used =
        value(header, f, "S0U")
            + value(header, f, "S1U")
            + value(header, f, "EU")
            + value(header, f, "OU");
    long committed =
        value(header, f, "S0C")
            + value(header, f, "S1C")
            + value(header, f, "EC")
            + value(header, f, "OC");
    long ygc = value(header, f, "YGC");
    long fgc = value(header, f, "FGC");
    usedMax = Math.max(usedMax, used);
    committedMax = Math.max(committedMax, committed);
    oldMax = Math.max(oldMax, value(header, f, "OU"));
    if (ygcFirst < 0) {
      usedFirst = used;
      ygcFirst = ygc;
      fgcFirst = fgc;
    }
    ygcLast = ygc;
    fgcLast = fgc;
    samples++;
  }

  private static long value(List<String> header, String[] f, String column) {
    int i = header.indexOf(column);
    return i < 0 ? 0 : (long) Double.parseDouble(f[i]);
  }

  synchronized Heap heap() {
    return new Heap(
        usedFirst, usedMax, committedMax, oldMax, ygcLast - ygcFirst, fgcLast - fgcFirst, samples);
  }

  @Override
  public void close() throws InterruptedException {
    Thread.sleep(150); // one more sample after the phase
    jstat.destroy();
    if (!jstat.waitFor(5, TimeUnit.SECONDS)) {
      jstat.destroyForcibly();
    }
    reader.join(5000);
  }
}
