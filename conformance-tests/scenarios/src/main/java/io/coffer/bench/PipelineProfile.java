package io.coffer.bench;

import com.github.luben.zstd.ZstdOutputStream;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import io.coffer.agent.backup.Compression;
import io.coffer.agent.crypto.StreamKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Where the backup pipeline's time goes ({@code --profile}): the stages of BackupPipeline (zstd
 * with the agent's default {@link Compression}, level 1 on one worker thread per core, Tink
 * streaming encryption with the agent's data keys ({@link StreamKeys}), SHA-256; the same
 * libraries, buffer and order) run one at a time over a saved mariadb-backup stream, with no
 * storage underneath, in a child JVM with given options: the agent's, and the same limited to C1
 * ({@code -XX:TieredStopAtLevel=1}, the agent's setting until it was measured here), to show what
 * the JIT (C2 and its AES, GHASH and SHA intrinsics) changes. Each stage is one pass over the
 * stream, as a backup is; the whole chain goes first, while the JIT is as cold as in a backup.
 * Every figure is MiB of the uncompressed stream per second; in the chain, encryption and SHA-256
 * only see zstd's output, which is why the chain can beat AES-GCM alone.
 */
public final class PipelineProfile {
  private static final int COPY_BUFFER = 128 << 10; // BackupPipeline's

  /**
   * The chain, then each stage alone; the last two are what-ifs for zstd (level 3, the earlier
   * default, on the calling thread; level 3 with the default workers).
   */
  private static final String[] STAGES = {
    "all", "zstd", "aes-gcm", "sha-256", "zstd-3", "zstd-3-workers"
  };

  /** MiB/s of the uncompressed stream per stage, in {@link #STAGES} order. */
  record Result(String label, List<String> jvm, double[] mibPerSecond) {
    String describe() {
      return String.format(
          Locale.ROOT,
          "chain %.0f; zstd %.0f, AES-GCM %.0f, SHA-256 %.0f MiB/s",
          mibPerSecond[0],
          mibPerSecond[1],
          mibPerSecond[2],
          mibPerSecond[3]);
    }

    String zstdVariants() {
      return String.format(
          Locale.ROOT,
          "zstd level 3 on one thread: %.0f MiB/s; level 3 with the workers: %.0f MiB/s",
          mibPerSecond[4],
          mibPerSecond[5]);
    }
  }

  private PipelineProfile() {}

  /** The child: {@code PipelineProfile FILE}; prints "stage MiB/s" lines. */
  public static void main(String[] args) throws Exception {
    StreamingAeadConfig.register();
    Path file = Path.of(args[0]);
    long bytes = Files.size(file);
    for (String stage : STAGES) {
      long start = System.nanoTime();
      try (InputStream in = Files.newInputStream(file);
          OutputStream out = stage(stage)) {
        byte[] buffer = new byte[COPY_BUFFER];
        for (int n; (n = in.read(buffer)) >= 0; ) {
          out.write(buffer, 0, n);
        }
      }
      System.out.printf(
          Locale.ROOT, "%s %.1f%n", stage, bytes / 1048576.0 / ((System.nanoTime() - start) / 1e9));
    }
  }

  private static OutputStream stage(String stage) throws IOException, GeneralSecurityException {
    OutputStream sink = OutputStream.nullOutputStream();
    return switch (stage) {
      case "zstd" -> zstd(sink, Compression.DEFAULT);
      case "zstd-3" -> zstd(sink, new Compression(3, 0));
      case "zstd-3-workers" -> zstd(sink, new Compression(3, Compression.DEFAULT.workers()));
      case "aes-gcm" -> aead(sink);
      case "sha-256" -> new DigestOutputStream(sink, MessageDigest.getInstance("SHA-256"));
      default ->
          zstd(
              aead(new DigestOutputStream(sink, MessageDigest.getInstance("SHA-256"))),
              Compression.DEFAULT);
    };
  }

  private static OutputStream zstd(OutputStream out, Compression c) throws IOException {
    ZstdOutputStream zstd = new ZstdOutputStream(out, c.level());
    return c.workers() > 0 ? zstd.setWorkers(c.workers()) : zstd;
  }

  private static OutputStream aead(OutputStream out) throws IOException, GeneralSecurityException {
    return StreamKeys.generate()
        .getPrimitive(StreamingAead.class)
        .newEncryptingStream(out, "bench".getBytes(StandardCharsets.US_ASCII));
  }

  /** The agent's options limited to C1: no C2, so none of its AES, GHASH and SHA intrinsics. */
  static List<String> withC1Only(List<String> jvm) {
    List<String> options =
        new ArrayList<>(
            jvm.stream()
                .filter(
                    o ->
                        !o.startsWith("-XX:TieredStopAtLevel")
                            && !o.startsWith("-XX:CICompilerCount"))
                .toList());
    options.add("-XX:TieredStopAtLevel=1");
    options.add("-XX:CICompilerCount=1");
    return options;
  }

  /**
   * Runs the stages over {@code stream} in a child JVM with {@code jvm} options, on this JVM's
   * classpath.
   */
  static Result run(String label, List<String> jvm, Path stream, Path log)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvm);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(PipelineProfile.class.getName());
    command.add(stream.toString());
    Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(
          "pipeline profile (" + label + ") failed; see " + log + "; output: " + out);
    }
    double[] rates = new double[STAGES.length];
    for (String line : out.split("\n")) {
      String[] f = line.trim().split(" ");
      for (int i = 0; i < STAGES.length; i++) {
        if (f.length == 2 && f[0].equals(STAGES[i])) {
          rates[i] = Double.parseDouble(f[1]);
        }
      }
    }
    return new Result(label, jvm, rates);
  }
}
