package io.coffer.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.coffer.e2e.FakeAgent;
import io.coffer.proto.v1.CommandOptions;
import io.coffer.proto.v1.DiagnosticsServiceGrpc;
import io.coffer.proto.v1.PingRequest;
import io.coffer.tck.Testbed;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent that stops reading must cost the control a bounded amount of memory, and must not slow
 * the control's service to other agents. The control runs in this JVM so its heap can be measured.
 */
class StuckAgentTest {
  static final int PAYLOAD = 256 * 1024;
  static final int FLOOD_CALLERS = 32;
  static final Duration FLOOD = Duration.ofSeconds(12);

  @TempDir Path dir;

  @Test
  void aStuckAgentDoesNotGrowTheControlsHeapAndOthersAreServed() throws Exception {
    try (Testbed bed = Testbed.start(dir)) {
      bed.ca()
          .issueAgent(
              "stuck", Duration.ofDays(1), dir.resolve("stuck.pem"), dir.resolve("stuck.key"));
      bed.ca()
          .issueAgent(
              "healthy",
              Duration.ofDays(1),
              dir.resolve("healthy.pem"),
              dir.resolve("healthy.key"));
      try (FakeAgent stuck =
              new FakeAgent(
                  bed.agentPort(),
                  bed.home().caCert(),
                  dir.resolve("stuck.pem"),
                  dir.resolve("stuck.key"),
                  "stuck",
                  FakeAgent.Mode.STUCK);
          FakeAgent healthy =
              new FakeAgent(
                  bed.agentPort(),
                  bed.home().caCert(),
                  dir.resolve("healthy.pem"),
                  dir.resolve("healthy.key"),
                  "healthy",
                  FakeAgent.Mode.ANSWER_PINGS)) {
        Thread.sleep(500);
        long before = usedHeapAfterGc();

        ManagedChannel channel =
            bed.channel(bed.home().clientCert("admin"), bed.home().clientKey("admin"));
        ByteString payload = ByteString.copyFrom(new byte[PAYLOAD]);
        Map<String, AtomicInteger> floodOutcomes = new ConcurrentHashMap<>();
        AtomicLong offered = new AtomicLong();
        long end = System.nanoTime() + FLOOD.toNanos();
        ExecutorService flood = Executors.newFixedThreadPool(FLOOD_CALLERS);
        for (int i = 0; i < FLOOD_CALLERS; i++) {
          flood.submit(
              () -> {
                while (System.nanoTime() < end) {
                  offered.incrementAndGet();
                  String outcome;
                  try {
                    DiagnosticsServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(5, TimeUnit.SECONDS)
                        .ping(
                            PingRequest.newBuilder()
                                .setInstanceId("stuck")
                                .setPayload(payload)
                                .setOptions(CommandOptions.newBuilder().setTimeoutMillis(1000))
                                .build());
                    outcome = "OK";
                  } catch (StatusRuntimeException e) {
                    outcome = e.getStatus().getCode().name();
                  }
                  floodOutcomes
                      .computeIfAbsent(outcome, k -> new AtomicInteger())
                      .incrementAndGet();
                }
              });
        }

        // meanwhile the healthy agent is served normally
        int healthyOk = 0;
        long healthyWorst = 0;
        while (System.nanoTime() < end) {
          long t = System.nanoTime();
          DiagnosticsServiceGrpc.newBlockingStub(channel)
              .withDeadlineAfter(5, TimeUnit.SECONDS)
              .ping(
                  PingRequest.newBuilder()
                      .setInstanceId("healthy")
                      .setPayload(ByteString.copyFromUtf8("hi"))
                      .build());
          healthyWorst = Math.max(healthyWorst, System.nanoTime() - t);
          healthyOk++;
          Thread.sleep(20);
        }
        long during = usedHeapAfterGc(); // the stuck agent's stream is still open, nothing was read
        flood.shutdown();
        flood.awaitTermination(30, TimeUnit.SECONDS);
        channel.shutdownNow();

        long offeredBytes = offered.get() * PAYLOAD;
        long grown = during - before;
        System.out.printf(
            "stuck agent offered %d pings (%d MiB); control heap + direct memory grew %d MiB; flood outcomes %s; "
                + "healthy agent: %d pings OK, worst %d ms%n",
            offered.get(),
            offeredBytes >> 20,
            grown >> 20,
            floodOutcomes,
            healthyOk,
            healthyWorst / 1_000_000);
        // without flow control every offered payload would stay queued for the stuck agent
        assertThat(offeredBytes).isGreaterThan(256L << 20);
        assertThat(grown).isLessThan(64L << 20);
        assertThat(floodOutcomes.keySet()).doesNotContain("OK", "INTERNAL");
        assertThat(healthyOk).isGreaterThan(10);
      }
    }
  }

  /** Heap plus direct buffers (where Netty queues serialized frames), after GC. */
  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    long direct =
        ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
            .filter(b -> b.getName().equals("direct"))
            .mapToLong(BufferPoolMXBean::getMemoryUsed)
            .sum();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() + direct;
  }
}
