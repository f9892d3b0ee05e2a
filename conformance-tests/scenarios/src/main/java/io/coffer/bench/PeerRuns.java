package io.coffer.bench;

import io.coffer.agent.config.AgentConfig;
import io.coffer.agent.config.AgentConfigLoader;
import io.coffer.proto.v1.CommandOptions;
import io.coffer.proto.v1.RestoreBackupRequest;
import io.coffer.tck.RootLogin;
import io.coffer.tck.Testbed;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The MariaDB benchmark's side-by-side part: Coffer and the {@link ShellPipelinePeer} alternately,
 * backups of the large database, then restores of the last of each, Coffer's into a new instance,
 * each until a write committed on the restored server.
 */
final class PeerRuns {
  private final AgentLauncher agents;
  private final Testbed bed;
  private final RootLogin root;
  private final AgentConfig.Datastore source;
  private final ShellPipelinePeer peer;
  private final int repeat;
  private final Path work;
  private final List<Long> cofferBackups = new ArrayList<>();
  private final List<Long> peerBackups = new ArrayList<>();
  private final List<Long> cofferRestores = new ArrayList<>();
  private final List<Long> peerRestores = new ArrayList<>();

  PeerRuns(
      AgentLauncher agents,
      Testbed bed,
      RootLogin root,
      AgentConfig.Datastore source,
      RawBackup raw,
      Path mariadbd,
      Path work,
      int repeat)
      throws IOException {
    this.agents = agents;
    this.bed = bed;
    this.root = root;
    this.source = source;
    this.peer =
        new ShellPipelinePeer(
            raw,
            work.resolve("pipeline"),
            mariadbd,
            source.settings().getOrDefault("innodbBufferPoolSize", "128M"));
    this.repeat = repeat;
    this.work = work;
  }

  PeerRuns run(CofferBackup coffer) throws Exception {
    String kept = null;
    for (int i = 1; i <= repeat; i++) {
      Progress.log("pipeline: mariadb-backup | zstd | openssl | tee, run " + i + " of " + repeat);
      peerBackups.add(peer.backup());
      Progress.log(String.format(Locale.ROOT, "pipeline: %.2f s", last(peerBackups) / 1e9));
      Progress.log("coffer: full backup beside it, run " + i + " of " + repeat);
      CofferBackup.Run r = coffer.run();
      cofferBackups.add(r.nanos());
      Progress.log(String.format(Locale.ROOT, "coffer: %.2f s", r.nanos() / 1e9));
      if (kept != null) {
        coffer.delete(kept);
      }
      kept = r.backupId();
    }
    for (int i = 1; i <= repeat; i++) {
      String target = "bench-restore-" + i;
      Progress.log(
          "coffer: restore into a new instance " + target + ", run " + i + " of " + repeat);
      agents.launch(target);
      bed.awaitHealthy(target, Duration.ofSeconds(120));
      int port =
          AgentConfigLoader.load(work.resolve("agents").resolve(target + ".yaml"), Map.of())
              .datastore()
              .port();
      PgBackupBenchmark.settleMemory();
      cofferRestores.add(restore(kept, target, port));
      Progress.log(
          String.format(Locale.ROOT, "coffer: restored in %.2f s", last(cofferRestores) / 1e9));
      Progress.log("pipeline: restore, prepare, start, run " + i + " of " + repeat);
      peerRestores.add(peer.restore());
      Progress.log(
          String.format(Locale.ROOT, "pipeline: restored in %.2f s", last(peerRestores) / 1e9));
    }
    return this;
  }

  private long restore(String backupId, String target, int port) throws Exception {
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
    Properties p = new Properties();
    p.setProperty("user", root.name());
    p.setProperty("password", root.password());
    while (true) {
      try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/", p);
          Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE IF NOT EXISTS bench_write");
        s.execute("CREATE TABLE IF NOT EXISTS bench_write.t (at TIMESTAMP(6))");
        s.execute("INSERT INTO bench_write.t VALUES (NOW(6))");
        return System.nanoTime() - start;
      } catch (SQLException e) {
        if (System.nanoTime() > end) {
          throw new IOException("the restored " + target + " accepted no write within 10 min", e);
        }
        Thread.sleep(20);
      }
    }
  }

  void print(PrintStream out) {
    long cb = best(cofferBackups);
    long pb = best(peerBackups);
    long cr = best(cofferRestores);
    long pr = best(peerRestores);
    out.printf(
        Locale.ROOT,
        "%nBeside the shell pipeline (mariadb-backup | zstd -1 -T2 | openssl enc -aes-256-ctr | tee"
            + " file | openssl dgst -sha256, and back), alternated, best of %d%n",
        repeat);
    out.printf(
        Locale.ROOT,
        "  backup                    : coffer %6.2f s  pipeline %6.2f s  ratio %.2f  (runs: coffer %s; pipeline %s s)%n",
        cb / 1e9,
        pb / 1e9,
        pb / (double) cb,
        seconds(cofferBackups),
        seconds(peerBackups));
    out.printf(
        Locale.ROOT,
        "  restore to a write        : coffer %6.2f s  pipeline %6.2f s  ratio %.2f  (runs: coffer %s; pipeline %s s)%n",
        cr / 1e9,
        pr / 1e9,
        pr / (double) cr,
        seconds(cofferRestores),
        seconds(peerRestores));
    out.println("  goals: each ratio (pipeline's time over Coffer's) at least 1.00");
  }

  private static long last(List<Long> l) {
    return l.get(l.size() - 1);
  }

  private static long best(List<Long> l) {
    return l.stream().min(Comparator.naturalOrder()).orElseThrow();
  }

  private static String seconds(List<Long> nanos) {
    return nanos.stream()
        .map(n -> String.format(Locale.ROOT, "%.2f", n / 1e9))
        .collect(Collectors.joining(", "));
  }
}
