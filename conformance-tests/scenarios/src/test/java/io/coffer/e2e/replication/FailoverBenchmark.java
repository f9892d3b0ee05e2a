package io.coffer.e2e.replication;

import io.coffer.proto.v1.Event;
import io.coffer.proto.v1.PromoteRequest;
import io.coffer.proto.v1.Workflow;
import io.coffer.proto.v1.WorkflowState;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bin/coffer-failover-bench}: automatic failover and switchover of MariaDB (semi-sync) and
 * PostgreSQL (synchronous), with the default HA settings, on real servers through a real control,
 * each run on a fresh pair. A program, not a test: it prints figures and asserts nothing.
 *
 * <p>Unplanned: four clients insert into the primary; its agent and every process of its server get
 * SIGKILL; nobody sends a command. Measured from the kill: detection ({@code failover_started}),
 * promotion ({@code failover_completed}) and write unavailability (the first insert the new primary
 * accepts; a client retries on it every 10 ms), and acknowledged writes missing on the new primary.
 * Planned: one client inserts into whichever server accepts while the replica is promoted ({@code
 * coffer promote}); measured: the longest gap between two acknowledged inserts and the workflow's
 * duration.
 *
 * <p>Arguments: {@code [--runs N] [--engine mariadb|postgresql|both]} (defaults 5, both).
 */
public final class FailoverBenchmark {
  private static final int WRITERS = 4;

  private FailoverBenchmark() {}

  record Unplanned(
      long detectionMs, long promotionMs, long unavailableMs, int acknowledged, int lost) {}

  record Planned(long gapMs, long workflowMs, int acknowledged, int lost) {}

  public static void main(String[] args) throws Exception {
    int runs = 5;
    String engine = "both";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--engine" -> engine = args[++i];
        case "--help", "-h" -> {
          System.out.println(
              "usage: bin/coffer-failover-bench [--runs N] [--engine mariadb|postgresql|both]");
          return;
        }
        default -> {
          System.err.println(
              "coffer-failover-bench: unknown argument '" + args[i] + "' (see --help)");
          System.exit(2);
        }
      }
    }
    if (runs < 1 || runs > 50 || !List.of("mariadb", "postgresql", "both").contains(engine)) {
      System.err.println(
          "coffer-failover-bench: --runs is 1 to 50, --engine mariadb, postgresql or both");
      System.exit(2);
    }
    List<String> report = new ArrayList<>();
    if (!engine.equals("postgresql")) {
      report.addAll(measure("MariaDB 10.11, semi-sync", Ledger.MARIADB, runs));
    }
    if (!engine.equals("mariadb")) {
      report.addAll(measure("PostgreSQL 15, synchronous", Ledger.POSTGRESQL, runs));
    }
    System.out.println();
    System.out.println(
        "Coffer failover benchmark ("
            + runs
            + " runs each, default settings: window 6 s, lease 4 s;"
            + " "
            + Runtime.getRuntime().availableProcessors()
            + " cores)");
    report.forEach(System.out::println);
    System.out.println();
    System.out.println(
        "Reference figures (published, not measured here): Aliyun RDS HA failover about 30 s;"
            + " Amazon RDS Multi-AZ 60-120 s; CloudNativePG 40-80 s observed; Patroni about 30-40 s with default"
            + " settings (ttl 30 s, loop_wait 10 s). Goal: unplanned p50 <= 10 s, switchover <= 5 s, nothing lost.");
    System.exit(0);
  }

  private static List<String> measure(String name, Ledger ledger, int runs) throws Exception {
    List<Unplanned> unplanned = new ArrayList<>();
    List<Planned> planned = new ArrayList<>();
    for (int r = 1; r <= runs; r++) {
      Unplanned u = unplanned(ledger);
      System.out.printf(
          Locale.ROOT,
          "%s unplanned run %d: detection %d ms, promotion %d ms, write unavailability %d ms,"
              + " %d acknowledged, %d lost%n",
          name,
          r,
          u.detectionMs(),
          u.promotionMs(),
          u.unavailableMs(),
          u.acknowledged(),
          u.lost());
      unplanned.add(u);
      Planned p = planned(ledger);
      System.out.printf(
          Locale.ROOT,
          "%s switchover run %d: writes refused %d ms, workflow %d ms, %d acknowledged,"
              + " %d lost%n",
          name,
          r,
          p.gapMs(),
          p.workflowMs(),
          p.acknowledged(),
          p.lost());
      planned.add(p);
    }
    return List.of(
        String.format(
            Locale.ROOT,
            "%-28s unplanned: write unavailability p50 %s max %s; detection p50 %s;"
                + " promotion p50 %s; acknowledged writes lost %d (of %d)",
            name,
            s(p50(unplanned.stream().mapToLong(Unplanned::unavailableMs).toArray())),
            s(max(unplanned.stream().mapToLong(Unplanned::unavailableMs).toArray())),
            s(p50(unplanned.stream().mapToLong(Unplanned::detectionMs).toArray())),
            s(p50(unplanned.stream().mapToLong(Unplanned::promotionMs).toArray())),
            unplanned.stream().mapToInt(Unplanned::lost).sum(),
            unplanned.stream().mapToInt(Unplanned::acknowledged).sum()),
        String.format(
            Locale.ROOT,
            "%-28s switchover: writes refused p50 %s max %s; workflow p50 %s;"
                + " acknowledged writes lost %d (of %d)",
            name,
            s(p50(planned.stream().mapToLong(Planned::gapMs).toArray())),
            s(max(planned.stream().mapToLong(Planned::gapMs).toArray())),
            s(p50(planned.stream().mapToLong(Planned::workflowMs).toArray())),
            planned.stream().mapToInt(Planned::lost).sum(),
            planned.stream().mapToInt(Planned::acknowledged).sum()));
  }

  private static Unplanned unplanned(Ledger ledger) throws Exception {
    try (ReplicatedLedger pair = ReplicatedLedger.start(ledger, true, true)) {
      ConcurrentHashMap<Long, Boolean> acknowledged = new ConcurrentHashMap<>();
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> writers = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        Thread t = new Thread(() -> write(pair, writer, acknowledged, stop), "writer-" + w);
        t.start();
        writers.add(t);
      }
      Thread.sleep(3000);
      List<ProcessHandle> server = pair.sourceProcess.descendants();
      long killedAt = System.currentTimeMillis();
      pair.sourceProcess.kill9();
      server.forEach(ProcessHandle::destroyForcibly);
      long firstWrite = firstWriteOnReplica(pair, Duration.ofMinutes(2)) - killedAt;
      stop.set(true);
      for (Thread t : writers) {
        t.join(30_000);
      }
      Event started = pair.bed.awaitEvent("failover_started", Duration.ofSeconds(30));
      Event completed = pair.bed.awaitEvent("failover_completed", Duration.ofSeconds(30));
      Set<Long> onNew = new HashSet<>(pair.ids(pair.replicaPort));
      int lost = (int) acknowledged.keySet().stream().filter(id -> !onNew.contains(id)).count();
      return new Unplanned(
          millis(started) - killedAt,
          millis(completed) - killedAt,
          firstWrite,
          acknowledged.size(),
          lost);
    }
  }

  private static Planned planned(Ledger ledger) throws Exception {
    try (ReplicatedLedger pair = ReplicatedLedger.start(ledger, true, false)) {
      ConcurrentHashMap<Long, Boolean> acknowledged = new ConcurrentHashMap<>();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong longestGap = new AtomicLong();
      Thread t =
          new Thread(() -> writeToWhicheverAccepts(pair, acknowledged, longestGap, stop), "writer");
      t.start();
      Thread.sleep(2000);
      long begun = System.nanoTime();
      Workflow w =
          pair.bed.awaitWorkflow(
              pair.bed
                  .replication()
                  .promote(
                      PromoteRequest.newBuilder().setInstanceId(ReplicatedLedger.REPLICA).build())
                  .getWorkflowId(),
              Duration.ofMinutes(2));
      long workflowMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begun);
      if (w.getState() != WorkflowState.WORKFLOW_STATE_SUCCEEDED) {
        throw new IllegalStateException("switchover failed: " + w.getError());
      }
      Thread.sleep(2000);
      stop.set(true);
      t.join(30_000);
      Set<Long> onNew = new HashSet<>(pair.ids(pair.replicaPort));
      int lost = (int) acknowledged.keySet().stream().filter(id -> !onNew.contains(id)).count();
      return new Planned(longestGap.get() / 1_000_000, workflowMs, acknowledged.size(), lost);
    }
  }

  /**
   * When (epoch ms) the replica first accepted an insert as the application account; tries every 10
   * ms.
   */
  private static long firstWriteOnReplica(ReplicatedLedger pair, Duration timeout)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    long id = -1;
    while (System.nanoTime() < end) {
      try (Connection c = pair.app(pair.replicaPort);
          Statement s = c.createStatement()) {
        while (System.nanoTime() < end) {
          try {
            s.executeUpdate("INSERT INTO entries (id) VALUES (" + id-- + ")");
            return System.currentTimeMillis();
          } catch (SQLException refused) {
            if (c.isClosed() || !c.isValid(1)) {
              break; // PostgreSQL ends sessions when it is promoted: connect again
            }
            Thread.sleep(10);
          }
        }
      } catch (SQLException unreachable) {
        Thread.sleep(10);
      }
    }
    throw new IllegalStateException("the replica accepted no write within " + timeout);
  }

  private static void write(
      ReplicatedLedger pair,
      int w,
      ConcurrentHashMap<Long, Boolean> acknowledged,
      AtomicBoolean stop) {
    try (Connection c = pair.app(pair.sourcePort);
        Statement s = c.createStatement()) {
      for (long id = w + 1; !stop.get(); id += WRITERS) {
        s.executeUpdate("INSERT INTO entries (id) VALUES (" + id + ")");
        acknowledged.put(id, true);
      }
    } catch (SQLException gone) {
      // the primary was killed
    }
  }

  private static void writeToWhicheverAccepts(
      ReplicatedLedger pair,
      ConcurrentHashMap<Long, Boolean> acknowledged,
      AtomicLong longestGap,
      AtomicBoolean stop) {
    int[] ports = {pair.sourcePort, pair.replicaPort};
    int target = 0;
    long next = 1;
    long lastAck = System.nanoTime();
    Connection c = null;
    while (!stop.get()) {
      try {
        if (c == null) {
          c = pair.app(ports[target]);
        }
        try (Statement s = c.createStatement()) {
          s.executeUpdate("INSERT INTO entries (id) VALUES (" + next + ")");
        }
        acknowledged.put(next++, true);
        long now = System.nanoTime();
        longestGap.accumulateAndGet(now - lastAck, Math::max);
        lastAck = now;
      } catch (SQLException e) {
        SwitchoverUnderWriterScenario.closeQuietly(c);
        c = null;
        next++; // an insert cut off mid-commit may exist: a fresh id
        target = 1 - target;
        SwitchoverUnderWriterScenario.sleep(10);
      }
    }
    SwitchoverUnderWriterScenario.closeQuietly(c);
  }

  private static long millis(Event e) {
    return e.getAt().getSeconds() * 1000 + e.getAt().getNanos() / 1_000_000;
  }

  private static long p50(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[(sorted.length - 1) / 2];
  }

  private static long max(long[] values) {
    return Arrays.stream(values).max().orElse(0);
  }

  private static String s(long ms) {
    return String.format(Locale.ROOT, "%.2f s", ms / 1000.0);
  }
}
