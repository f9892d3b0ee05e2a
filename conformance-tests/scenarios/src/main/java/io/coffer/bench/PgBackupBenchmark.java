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
 *
 * <p>The data are settled before any run ({@link #settle}), and the peer, pgBackRest ({@link
 * PgBackRestPeer}), backs up and restores a clone of the same cluster, alternating with Coffer:
 * backups (the first Coffer one is the first since the agent started), then restores, each to a
 * server that has committed a write.
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

  @Option(
      names = "--no-peer",
      description = "Leave pgBackRest out (it needs Debian's pgbackrest package).")
  boolean noPeer;

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
    List<Long> peerBackups = new ArrayList<>();
    List<Long> restores = new ArrayList<>();
    List<Long> peerRestores = new ArrayList<>();
    long dataBytes;
    long peerStored = 0;
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
      AgentConfig.Datastore ds = datastore(work, INSTANCE);
      RootLogin root = bed.enableRoot(INSTANCE);
      load(ds.port(), root, (long) size << 20);
      dataBytes = settle(ds, root);
      PgBackRestPeer peer = null;
      if (!noPeer) {
        Progress.log("pgBackRest: cloning the settled cluster for the peer");
        peer =
            cleanup.add(
                PgBackRestPeer.cloneOf(
                    work.resolve("pgbackrest"),
                    ds.runDir().toAbsolutePath(),
                    ds.port(),
                    ds.port() + 100));
      }
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
        Progress.log(
            "coffer: full backup, run "
                + i
                + " of "
                + repeat
                + (i == 1 ? " (the first since the agent started)" : ""));
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
        if (peer != null) {
          Progress.log("pgBackRest: full backup, run " + i + " of " + repeat);
          peerBackups.add(peer.backup());
          peerStored = peer.latestBackupBytes();
          Progress.log(
              String.format(
                  Locale.ROOT,
                  "pgBackRest: %.2f s",
                  peerBackups.get(peerBackups.size() - 1) / 1e9));
        }
      }
      String kept = coffer.get(coffer.size() - 1).backupId();
      for (int i = 1; i <= repeat; i++) {
        String target = INSTANCE + "-r" + i;
        Progress.log(
            "coffer: restore into a new instance " + target + ", run " + i + " of " + repeat);
        agents.launch(target, "postgresql", Map.of("sharedBuffers", "256MB"));
        bed.awaitHealthy(target, Duration.ofSeconds(120));
        settleMemory();
        restores.add(restore(bed, kept, target, datastore(work, target).port(), root));
        Progress.log(
            String.format(
                Locale.ROOT,
                "coffer: restored in %.2f s",
                restores.get(restores.size() - 1) / 1e9));
        if (peer != null) {
          Progress.log("pgBackRest: restore, run " + i + " of " + repeat);
          peerRestores.add(peer.restore());
          Progress.log(
              String.format(
                  Locale.ROOT,
                  "pgBackRest: restored in %.2f s",
                  peerRestores.get(peerRestores.size() - 1) / 1e9));
        }
      }
      Progress.log("stopping the agents, PostgreSQL, the peer and the control");
    } catch (Exception e) {
      System.err.println("coffer-pg-backup-bench: failed: " + e);
      e.printStackTrace();
      System.err.println("coffer-pg-backup-bench: logs and data kept in " + work);
      return 1;
    }
    print(dataBytes, raw, coffer, restores);
    if (!peerBackups.isEmpty()) {
      printPeer(coffer, restores, peerBackups, peerRestores, peerStored);
    }
    if (keep) {
      System.out.println("Work directory kept: " + work);
    } else {
      PathUtils.deleteDirectory(work);
    }
    return 0;
  }

  /**
   * Drops the page cache (as root), so that both sides read their backup from disk, as a restore of
   * a backup taken earlier does, then waits before a timed restore, the same for both sides. Some
   * virtual machines (this project's Firecracker guests among them) hand memory freed in the guest
   * back to their host within seconds, and writing into such pages costs several times more than
   * into pages freed a moment ago (1.5 GB into the page cache: 0.3 s right after deleting as much,
   * 3-3.5 s after 5-20 s; {@code dd} measured). A restore right after deleting the previous data
   * directory would be favoured; after this wait both write into the same kind of memory.
   */
  static void settleMemory() throws InterruptedException, IOException {
    Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "1\n");
    Thread.sleep(10_000);
  }

  private static AgentConfig.Datastore datastore(Path work, String instanceId) throws IOException {
    return AgentConfigLoader.load(work.resolve("agents").resolve(instanceId + ".yaml"), Map.of())
        .datastore();
  }

  /**
   * Settles the loaded database so that every measured run backs up the same pages: VACUUM (FREEZE,
   * ANALYZE) sets every hint bit and freezes every row now rather than during a measured backup (an
   * autovacuum then writes full-page images into the backup's WAL), CHECKPOINT writes them out, and
   * the WAL written so far is switched and archived by the agent before the first run.
   *
   * @return the database's size in bytes
   */
  private static long settle(AgentConfig.Datastore ds, RootLogin root) throws Exception {
    Progress.log("settling: VACUUM (FREEZE, ANALYZE), CHECKPOINT, the WAL archive drained");
    try (Connection c = connect(ds.port(), root);
        Statement s = c.createStatement()) {
      s.execute("VACUUM (FREEZE, ANALYZE)");
      s.execute("CHECKPOINT");
      String last;
      try (var rs = s.executeQuery("SELECT pg_walfile_name(pg_switch_wal())")) {
        rs.next();
        last = rs.getString(1);
      }
      Path spool = ds.dataDir().resolveSibling(ds.dataDir().getFileName() + ".wal-spool");
      long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      while (true) {
        String archived;
        try (var rs =
            s.executeQuery("SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver")) {
          rs.next();
          archived = rs.getString(1);
        }
        if (archived.compareTo(last) >= 0 && isEmpty(spool)) {
          break;
        }
        if (System.nanoTime() > end) {
          throw new IOException(
              "the WAL archive did not drain within 10 min (archived "
                  + archived
                  + ", wanted "
                  + last
                  + ")");
        }
        Thread.sleep(200);
      }
      try (var rs = s.executeQuery("SELECT pg_database_size('postgres')")) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static boolean isEmpty(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return true;
    }
    try (var files = Files.list(dir)) {
      return files.noneMatch(f -> !f.getFileName().toString().startsWith("."));
    }
  }

  private static Connection connect(int port, RootLogin root) throws Exception {
    Properties p = new Properties();
    p.setProperty("user", root.name());
    p.setProperty("password", root.password());
    p.setProperty("sslmode", "disable");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
  }

  /** Rows of random bytes (incompressible, as pages of real data mostly are to zstd level 1). */
  private static void load(int port, RootLogin root, long bytes) throws Exception {
    try (Connection c = connect(port, root);
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
   * Restores {@code backupId} into the empty {@code target}: from RestoreBackup until a write
   * committed on the restored server (polled every 20 ms on its port, as the source's root role,
   * which the backup carries).
   */
  private static long restore(Testbed bed, String backupId, String target, int port, RootLogin root)
      throws Exception {
    long start = System.nanoTime();
    bed.backups()
        .withDeadlineAfter(60, TimeUnit.MINUTES)
        .restoreBackup(
            RestoreBackupRequest.newBuilder()
                .setBackupId(backupId)
                .setInstanceId(target)
                .setOptions(CommandOptions.newBuilder().setTimeoutMillis(3_600_000))
                .build());
    long end = start + TimeUnit.MINUTES.toNanos(10);
    while (true) {
      try (Connection c = connect(port, root);
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS bench_write (at timestamptz)");
        s.execute("INSERT INTO bench_write VALUES (now())");
        return System.nanoTime() - start;
      } catch (java.sql.SQLException e) {
        if (System.nanoTime() > end) {
          throw new IOException("the restored " + target + " accepted no write within 10 min", e);
        }
        Thread.sleep(20);
      }
    }
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

  /**
   * Coffer beside pgBackRest: a ratio is pgBackRest's time over Coffer's (above 1: Coffer faster);
   * the goals of issue #28 are each at least 1.0.
   */
  private static void printPeer(
      List<CofferBackup.Run> coffer,
      List<Long> restores,
      List<Long> peerBackups,
      List<Long> peerRestores,
      long peerStored) {
    long first = coffer.get(0).nanos();
    long settled = coffer.stream().skip(1).mapToLong(CofferBackup.Run::nanos).min().orElse(first);
    long peerFirst = peerBackups.get(0);
    long peerBest = peerBackups.stream().min(Comparator.naturalOrder()).orElseThrow();
    long restoreBest = restores.stream().min(Comparator.naturalOrder()).orElseThrow();
    long peerRestoreBest = peerRestores.stream().min(Comparator.naturalOrder()).orElseThrow();
    System.out.printf(
        Locale.ROOT,
        "%nBeside pgBackRest 2.45 (zst level 1, aes-256-cbc, process-max=2, local repository),"
            + " alternated%n");
    System.out.printf(
        Locale.ROOT,
        "  backup, first since start : coffer %6.2f s  pgBackRest %6.2f s  ratio %.2f%n",
        first / 1e9,
        peerFirst / 1e9,
        peerFirst / (double) first);
    System.out.printf(
        Locale.ROOT,
        "  backup, settled (best)    : coffer %6.2f s  pgBackRest %6.2f s  ratio %.2f"
            + "  (pgBackRest runs: %s s; stored %.0f MiB)%n",
        settled / 1e9,
        peerBest / 1e9,
        peerBest / (double) settled,
        seconds(peerBackups),
        peerStored / (double) (1 << 20));
    System.out.printf(
        Locale.ROOT,
        "  restore to a write (best) : coffer %6.2f s  pgBackRest %6.2f s  ratio %.2f"
            + "  (pgBackRest runs: %s s)%n",
        restoreBest / 1e9,
        peerRestoreBest / 1e9,
        peerRestoreBest / (double) restoreBest,
        seconds(peerRestores));
    System.out.println("  goals: each ratio at least 1.00");
  }

  private static String seconds(List<Long> nanos) {
    return nanos.stream()
        .map(n -> String.format(Locale.ROOT, "%.2f", n / 1e9))
        .collect(Collectors.joining(", "));
  }
}
