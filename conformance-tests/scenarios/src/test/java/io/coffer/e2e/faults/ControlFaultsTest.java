package io.coffer.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.proto.v1.CommandState;
import io.coffer.proto.v1.DatabaseServiceGrpc;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SIGKILL of the control process with commands in flight; the agent runs in its own JVM too. */
class ControlFaultsTest {
  static final int COMMANDS = 200;
  Fixture f;

  @BeforeEach
  void start() throws Exception {
    f = Fixture.start("fault-control", true, port -> port);
  }

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void everyCommandEndsDefiniteAndNoneRunsTwiceAcrossAControlKill9() throws Exception {
    ServerView server = f.server();
    AtomicInteger done = new AtomicInteger();
    Map<String, String> outcome = new ConcurrentHashMap<>();
    ExecutorService callers = Executors.newFixedThreadPool(8);
    // one channel for every caller; gRPC reconnects it by itself when the control comes back
    ManagedChannel channel =
        f.bed.channel(f.bed.home().clientCert("admin"), f.bed.home().clientKey("admin"));
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < COMMANDS; i++) {
      String name = "ck_" + i;
      futures.add(
          callers.submit(
              () -> {
                String result =
                    Retrying.call(
                        () ->
                            DatabaseServiceGrpc.newBlockingStub(channel)
                                .withDeadlineAfter(15, TimeUnit.SECONDS)
                                .createDatabase(
                                    f.createDatabase(name, "cmd-" + name, Duration.ofSeconds(10))),
                        Duration.ofSeconds(120));
                outcome.put(name, result);
                done.incrementAndGet();
                return null;
              }));
    }
    while (done.get() < COMMANDS / 4) {
      Thread.sleep(10);
    }
    f.bed.killControlProcess();
    int atKill = done.get();
    Thread.sleep(500);
    f.bed.startControlProcess(); // same ports and state directory
    for (Future<?> fu : futures) {
      fu.get(180, TimeUnit.SECONDS);
    }
    callers.shutdown();
    channel.shutdownNow();

    Map<String, Long> byOutcome =
        outcome.values().stream()
            .collect(Collectors.groupingBy(o -> o.isEmpty() ? "OK" : o, Collectors.counting()));
    System.out.printf(
        "control killed after %d of %d commands; outcomes: %s%n", atKill, COMMANDS, byOutcome);
    assertThat(atKill).isLessThan(COMMANDS);
    assertThat(byOutcome)
        .containsOnlyKeys("OK"); // ALREADY_EXISTS here would mean a command ran twice
    for (String name : outcome.keySet()) {
      assertThat(f.awaitDefinite("cmd-" + name, Duration.ofSeconds(30)).getState())
          .isEqualTo(CommandState.COMMAND_STATE_SUCCEEDED);
    }
    assertThat(server.databases("ck_")).hasSize(COMMANDS);
  }
}
