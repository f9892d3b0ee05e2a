package io.coffer.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.proto.v1.CommandState;
import io.coffer.proto.v1.DatabaseServiceGrpc;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

/**
 * 1,000 mutating commands from 16 concurrent callers while the agent is SIGKILLed and restarted
 * twice. Every command must reach a definite state and the server must show each effect at most
 * once: SUCCEEDED exactly once, or ABORTED (interrupted by a kill: applied once or not at all).
 */
class AgentRestartsUnderLoadTest {
  static final int COMMANDS = 1000;
  static final int CALLERS = 16;
  Fixture f;

  @BeforeEach
  void start() throws Exception {
    f = Fixture.start("fault-load", false, port -> port);
  }

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void thousandCommandsSixteenCallersTwoAgentKills() throws Exception {
    ServerView server = f.server();
    ManagedChannel channel =
        f.bed.channel(f.bed.home().clientCert("admin"), f.bed.home().clientKey("admin"));
    AtomicInteger done = new AtomicInteger();
    Map<String, String> outcome = new ConcurrentHashMap<>();
    ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
    List<Future<?>> futures = new ArrayList<>();
    long started = System.nanoTime();
    for (int i = 0; i < COMMANDS; i++) {
      String name = "load_" + i;
      futures.add(
          callers.submit(
              () -> {
                outcome.put(
                    name,
                    Retrying.call(
                        () ->
                            DatabaseServiceGrpc.newBlockingStub(channel)
                                .withDeadlineAfter(15, TimeUnit.SECONDS)
                                .createDatabase(
                                    f.createDatabase(name, "cmd-" + name, Duration.ofSeconds(10))),
                        Duration.ofSeconds(180)));
                done.incrementAndGet();
                return null;
              }));
    }
    List<Integer> killedAt = new ArrayList<>();
    for (int threshold : new int[] {COMMANDS / 4, COMMANDS * 3 / 5}) {
      while (done.get() < threshold) {
        Thread.sleep(5);
      }
      f.agent.kill9();
      killedAt.add(done.get());
      f.startAgent();
    }
    for (Future<?> fu : futures) {
      fu.get(300, TimeUnit.SECONDS);
    }
    callers.shutdown();
    channel.shutdownNow();
    double seconds = (System.nanoTime() - started) / 1e9;

    Map<String, Long> byOutcome =
        outcome.values().stream()
            .collect(Collectors.groupingBy(o -> o.isEmpty() ? "OK" : o, Collectors.counting()));
    System.out.printf(
        "%d commands, %d callers, agent killed after %s completions; %.1f s; outcomes %s%n",
        COMMANDS, CALLERS, killedAt, seconds, byOutcome);

    // definite outcomes only: success, or ABORTED (at most one running job per kill)
    assertThat(byOutcome.keySet()).isSubsetOf(Set.of("OK", "ABORTED"));
    assertThat(byOutcome.getOrDefault("ABORTED", 0L)).isLessThanOrEqualTo(killedAt.size());
    Set<String> succeeded = new HashSet<>();
    Set<String> aborted = new HashSet<>();
    outcome.forEach((name, o) -> (o.isEmpty() ? succeeded : aborted).add(name));
    for (String name : succeeded) {
      assertThat(f.command("cmd-" + name).getState())
          .isEqualTo(CommandState.COMMAND_STATE_SUCCEEDED);
    }
    List<String> onServer = server.databases("load_");
    assertThat(new HashSet<>(onServer)).hasSize(onServer.size()).containsAll(succeeded);
    Set<String> unexplained = new HashSet<>(onServer);
    unexplained.removeAll(succeeded);
    unexplained.removeAll(aborted);
    assertThat(unexplained).isEmpty();
  }
}
