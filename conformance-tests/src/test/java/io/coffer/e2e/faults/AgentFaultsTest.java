package io.coffer.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.proto.v1.CommandReply;
import io.coffer.proto.v1.CommandState;
import io.coffer.tck.process.ChaosProxy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent dies, or its connection does, between executing a mutating command and the control
 * acknowledging its result. The agent runs in its own JVM and is killed with SIGKILL; the network
 * fault is a proxy between agent and control that holds and then cuts the agent's traffic.
 */
class AgentFaultsTest {
  ChaosProxy proxy;
  Fixture f;

  @BeforeEach
  void start() throws Exception {
    f = Fixture.start("fault-agent", false, controlPort -> {
      try {
        proxy = new ChaosProxy(controlPort);
        return proxy.port();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  @AfterEach
  void stop() throws Exception {
    f.close();
    proxy.close();
  }

  @Test
  void resultOfAJobDoneBeforeAKill9IsDeliveredAfterRestartAndTheJobDoesNotRunTwice() throws Exception {
    ServerView server = f.server();
    proxy.holdUpstream(); // the agent's result never reaches the control
    CompletableFuture<CommandReply> call = CompletableFuture.supplyAsync(() -> f.bed.databases()
        .createDatabase(f.createDatabase("killed_before_ack", "cmd-kill-1", Duration.ofSeconds(60))));

    f.journal().awaitDone("cmd-kill-1", Duration.ofSeconds(30));
    assertThat(server.databases("killed_before_ack")).containsExactly("killed_before_ack");
    assertThat(f.command("cmd-kill-1").getState()).isEqualTo(CommandState.COMMAND_STATE_PENDING);

    f.agent.kill9();
    proxy.cutAll();
    proxy.release();
    f.startAgent(); // adopts the mariadbd that survived, re-sends the unacknowledged result

    assertThat(call.get(60, TimeUnit.SECONDS).getCommandId()).isEqualTo("cmd-kill-1");
    // a second execution would have ended in ALREADY_EXISTS
    assertThat(f.command("cmd-kill-1").getState()).isEqualTo(CommandState.COMMAND_STATE_SUCCEEDED);
    assertThat(server.databases("killed_before_ack")).containsExactly("killed_before_ack");
  }

  @Test
  void aDroppedConnectionMidCommandIsRepairedAndTheCommandCompletesOnce() throws Exception {
    ServerView server = f.server();
    proxy.holdUpstream();
    CompletableFuture<CommandReply> call = CompletableFuture.supplyAsync(() -> f.bed.databases()
        .createDatabase(f.createDatabase("dropped_conn", "cmd-drop-1", Duration.ofSeconds(60))));
    f.journal().awaitDone("cmd-drop-1", Duration.ofSeconds(30));

    long cut = System.nanoTime();
    proxy.cutAll(); // the result in flight is lost with the connection
    proxy.release();

    assertThat(call.get(60, TimeUnit.SECONDS).getCommandId()).isEqualTo("cmd-drop-1");
    long repairedMillis = (System.nanoTime() - cut) / 1_000_000;
    // reconnect backoff is capped at 2 s in this configuration (30 s by default)
    assertThat(repairedMillis).isLessThan(f.config.control().maxBackoff().toMillis() + 8_000);
    assertThat(f.command("cmd-drop-1").getState()).isEqualTo(CommandState.COMMAND_STATE_SUCCEEDED);
    assertThat(server.databases("dropped_conn")).containsExactly("dropped_conn");
    System.out.printf("connection cut → command completed in %d ms%n", repairedMillis);
  }
}
