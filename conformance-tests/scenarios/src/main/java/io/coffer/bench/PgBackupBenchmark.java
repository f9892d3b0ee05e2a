package io.coffer.bench;

import io.coffer.agent.config.AgentConfig;
import io.coffer.agent.config.AgentConfigLoader;
import io.coffer.proto.v1.CommandOptions;
import io.coffer.proto.v1.RestoreBackupRequest;
import io.coffer.tck.RootLogin;
import io.coffer.tck.Testbed;
import io.coffer.tck.process.AgentProcess;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.commons.io.file.PathUtils;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/coffer-pg-backup-bench}: one control and one agent (each in its own JVM, the agent on
 * its production classpath) supervising a PostgreSQL; loads a database of poorly compressible rows,
 * then alternates raw {@code pg_basebackup --format=tar --pgdata=- > /dev/null} runs (with the
 * plugin's own options, through the same socket and role) and Coffer full backups (pg_basebackup →
 * zstd → AES-GCM → local storage), and prints the throughput of each and their ratio.
 */
@Command(
    name = "coffer-pg-backup-bench",
    mixinStandardHelpOptions = true,
    description =
        "Benchmarks Coffer's PostgreSQL base backup against raw pg_basebackup to /dev/null.")
public final class PgBackupBenchmark implements Callable<Integer> {
  private static final String INSTANCE = "bench-pg";
  private static final int ROW_BYTES = 4096;
  private static final int ROWS_PER_INSERT = 16_384;

  @Option(
      names = "--size",
      paramLabel = "MiB",
      description = "Data loaded (default: ${DEFAULT-VALUE}).")
  int size = 1024;

  @Option(
      names = "--repeat",
      paramLabel = "N",
      description = "Runs of each side, alternating (default: ${DEFAULT-VALUE}).")
  int repeat = 2;

  @Option(names = "--keep", description = "Keep the work directory after a successful run too.")
  boolean keep;

  @Option(
      names = "--plugins-dir",
      paramLabel = "DIR",
      description = "Where the PostgreSQL plugin zip is (default: ${DEFAULT-VALUE}).")
  Path pluginsDir =
      Path.of(System.getProperty("coffer.plugins.dir", "conformance-tests/target/plugins"));

  @Option(
      names = "--repo",
      paramLabel = "DIR",
      hidden = true,
      description = "The built source tree (for the agent's own classpath).")
  Path repo = Path.of(System.getProperty("coffer.bench.repo", "."));

  public static void main(String[] args) {
    System.exit(new CommandLine(new PgBackupBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path work =
        Files.createTempDirectory(
            "coffer-pg-backup-bench",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    List<Long> raw = new ArrayList<>();
    List<CofferBackup.Run> coffer = new ArrayList<>();
    List<Long> restores = new ArrayList<>();
    long dataBytes;
    try (Cleanup cleanup = new Cleanup().onShutdown()) {
      cleanup.add(() -> Leftovers.reap(work));
      Progress.log("starting the control (work directory " + work + ")");
      Testbed bed = cleanup.add(Testbed.startWithControlProcess(work).keepRoot());
      AgentLauncher agents =
          new AgentLauncher(
              bed,
              pluginsDir,
              work,
              cleanup,
              AgentLauncher.Mode.PRODUCTION,
              AgentProcess.JVM,
              repo.resolve("agent-core/runtime/target"));
      Progress.log("starting the agent and its PostgreSQL");
      AgentHandle agent = agents.launch(INSTANCE, "postgresql", Map.of("sharedBuffers", "256MB"));
      bed.awaitHealthy(INSTANCE, Duration.ofSeconds(120));
      AgentConfig.Datastore ds =
          AgentConfigLoader.load(work.resolve("agents").resolve(INSTANCE + ".yaml"), Map.of())
              .datastore();
      RootLogin root = bed.enableRoot(INSTANCE);
      dataBytes = load(ds.port(), root, (long) size << 20);
      long postmaster =
          Long.parseLong(
              Files.readAllLines(ds.dataDir().resolve("postmaster.pid"), StandardCharsets.US_ASCII)
                  .get(0)
                  .strip());
      CofferBackup backups = new CofferBackup(bed, INSTANCE, agent.pid(), postmaster);
      for (int i = 1; i <= repeat; i++) {
        Progress.log("raw: pg_basebackup > /dev/null, run " + i + " of " + repeat);
        raw.add(rawBackup(ds, work.resolve("logs/raw-" + i + ".log")));
        Progress.log(String.format(Locale.ROOT, "raw: %.2f s", raw.get(raw.size() - 1) / 1e9));
        Progress.log("coffer: full backup, run " + i + " of " + repeat);
        CofferBackup.Run r = backups.run();
        coffer.add(r);
        Progress.log(
            String.format(
                Locale.ROOT,
                "coffer: %.2f s, %,d raw -> %,d stored bytes, agent RSS max %d KiB",
                r.nanos() / 1e9,
                r.rawBytes(),
                r.storedBytes(),
                r.rssMaxKiB()));
        if (i < repeat) {
          backups.delete(r.backupId());
        }
      }
      String kept = coffer.get(coffer.size() - 1).backupId();
      for (int i = 1; i <= repeat; i++) {
        String target = INSTANCE + "-r" + i;
        Progress.log(
            "coffer: restore into a new instance " + target + ", run " + i + " of " + repeat);
        agents.launch(target, "postgresql", Map.of("sharedBuffers", "256MB"));
        bed.awaitHealthy(target, Duration.ofSeconds(120));
        restores.add(restore(bed, kept, target));
        Progress.log(
            String.format(
                Locale.ROOT,
                "coffer: restored in %.2f s",
                restores.get(restores.size() - 1) / 1e9));
      }
      Progress.log("stopping the agents, PostgreSQL and the control");
    } catch (Exception e) {
      System.err.println("coffer-pg-backup-bench: failed: " + e);
      e.printStackTrace();
      System.err.println("coffer-pg-backup-bench: logs and data kept in " + work);
      return 1;
    }
    print(dataBytes, raw, coffer, restores);
    if (keep) {
      System.out.println("Work directory kept: " + work);
    } else {
      PathUtils.deleteDirectory(work);
    }
    return 0;
  }

  /** Rows of random bytes (incompressible, as pages of real data mostly are to zstd level 1). */
  private static long load(int port, RootLogin root, long bytes) throws Exception {
    Properties p = new Properties();
    p.setProperty("user", root.name());
    p.setProperty("password", root.password());
    p.setProperty("sslmode", "disable");
    try (Connection c =
            DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
        Statement s = c.createStatement()) {
      s.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto");
      // STORAGE EXTERNAL: no pglz attempt on incompressible values
      s.execute("CREATE TABLE bulk (id bigint PRIMARY KEY, payload bytea)");
      s.execute("ALTER TABLE bulk ALTER COLUMN payload SET STORAGE EXTERNAL");
      long rows = bytes / ROW_BYTES;
      for (long from = 0; from < rows; from += ROWS_PER_INSERT) {
        long to = Math.min(rows, from + ROWS_PER_INSERT) - 1;
        s.execute(
            "INSERT INTO bulk SELECT g, (SELECT string_agg(gen_random_bytes(1024), ''::bytea)"
                + " FROM generate_series(1, "
                + (ROW_BYTES / 1024)
                + " + 0 * g)) FROM generate_series("
                + from
                + ", "
                + to
                + ") g");
        Progress.log(
            String.format(
                Locale.ROOT, "data: %d of %d MiB", (to + 1) * ROW_BYTES >> 20, bytes >> 20));
      }
      s.execute("CHECKPOINT");
      try (var rs = s.executeQuery("SELECT pg_database_size('postgres')")) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** The plugin's pg_basebackup command line, to /dev/null, as root through the server's socket. */
  private static long rawBackup(AgentConfig.Datastore ds, Path log)
      throws IOException, InterruptedException {
    List<String> command =
        List.of(
            "/usr/lib/postgresql/15/bin/pg_basebackup",
            "--host=" + ds.runDir().toAbsolutePath(),
            "--port=" + ds.port(),
            "--username=coffer_admin",
            "--no-password",
            "--pgdata=-",
            "--format=tar",
            "--wal-method=fetch",
            "--checkpoint=fast",
            "--label=raw-baseline");
    Files.createDirectories(log.getParent());
    long start = System.nanoTime();
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.to(new File("/dev/null")))
            .redirectError(log.toFile())
            .start();
    if (!p.waitFor(60, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("pg_basebackup failed: " + Files.readString(log));
    }
    return System.nanoTime() - start;
  }

  /**
   * Restores {@code backupId} into the empty {@code target}: from RestoreBackup until the restored
   * server, healthy again, has committed a write.
   */
  private static long restore(Testbed bed, String backupId, String target) throws Exception {
    long start = System.nanoTime();
    bed.backups()
        .withDeadlineAfter(60, TimeUnit.MINUTES)
        .restoreBackup(
            RestoreBackupRequest.newBuilder()
                .setBackupId(backupId)
                .setInstanceId(target)
                .setOptions(CommandOptions.newBuilder().setTimeoutMillis(3_600_000))
                .build());
    bed.awaitHealthy(target, Duration.ofMinutes(10));
    RootLogin root = bed.enableRoot(target); // a committed write on the restored server
    long nanos = System.nanoTime() - start;
    if (root.name().isEmpty()) {
      throw new IllegalStateException("no superuser after the restore");
    }
    return nanos;
  }

  private static void print(
      long dataBytes, List<Long> raw, List<CofferBackup.Run> coffer, List<Long> restores) {
    long rawBest = raw.stream().min(Comparator.naturalOrder()).orElseThrow();
    CofferBackup.Run best =
        coffer.stream().min(Comparator.comparingLong(CofferBackup.Run::nanos)).orElseThrow();
    double mib = best.rawBytes() / (double) (1 << 20);
    System.out.printf(
        Locale.ROOT,
        "%nPostgreSQL base backup, %.0f MiB database (%d runs each, best shown)%n",
        dataBytes / (double) (1 << 20),
        raw.size());
    System.out.printf(
        Locale.ROOT,
        "  raw pg_basebackup > /dev/null : %6.2f s  %7.1f MiB/s%n",
        rawBest / 1e9,
        mib / (rawBest / 1e9));
    System.out.printf(
        Locale.ROOT,
        "  coffer (zstd, AES-GCM, local) : %6.2f s  %7.1f MiB/s  stored %.0f MiB, agent RSS max %d MiB%n",
        best.nanos() / 1e9,
        mib / (best.nanos() / 1e9),
        best.storedBytes() / (double) (1 << 20),
        best.rssMaxKiB() >> 10);
    System.out.printf(
        Locale.ROOT, "  throughput ratio coffer/raw   : %.2f%n", rawBest / (double) best.nanos());
    long restoreBest = restores.stream().min(Comparator.naturalOrder()).orElseThrow();
    System.out.printf(
        Locale.ROOT,
        "  coffer restore (to writable)  : %6.2f s  %7.1f MiB/s  (runs: %s s)%n",
        restoreBest / 1e9,
        mib / (restoreBest / 1e9),
        restores.stream()
            .map(n -> String.format(Locale.ROOT, "%.2f", n / 1e9))
            .collect(Collectors.joining(", ")));
  }
}
