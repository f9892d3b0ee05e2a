package io.coffer.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.coffer.proto.v1.CommandReply;
import io.coffer.proto.v1.CommandState;
import io.coffer.proto.v1.CommandStatus;
import io.coffer.proto.v1.GetInstanceRequest;
import io.coffer.proto.v1.InstanceState;
import io.coffer.tck.process.ChaosProxy;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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
    f =
        Fixture.start(
            "fault-agent",
            false,
            controlPort -> {
              try {
                proxy = new ChaosProxy(controlPort);
                return proxy.port();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
  }

  @AfterEach
  void stop() throws Exception {
    f.close();
    proxy.close();
  }

  @Test
  void resultOfAJobDoneBeforeAKill9IsDeliveredAfterRestartAndTheJobDoesNotRunTwice()
      throws Exception {
    ServerView server = f.server();
    proxy.holdUpstream(); // the agent's result never reaches the control
    CompletableFuture<CommandReply> call =
        CompletableFuture.supplyAsync(
            () ->
                f.bed
                    .databases()
                    .createDatabase(
                        f.createDatabase(
                            "killed_before_ack", "cmd-kill-1", Duration.ofSeconds(60))));

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
    CompletableFuture<CommandReply> call =
        CompletableFuture.supplyAsync(
            () ->
                f.bed
                    .databases()
                    .createDatabase(
                        f.createDatabase("dropped_conn", "cmd-drop-1", Duration.ofSeconds(60))));
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

  @Test
  void aCommandForADisconnectedAgentWaitsUntilItsDeadlineAndIsNeverDropped() throws Exception {
    ServerView server = f.server();
    f.agent.kill9();
    awaitState(InstanceState.INSTANCE_STATE_UNREACHABLE);

    StatusRuntimeException late =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                f.bed
                    .databases()
                    .createDatabase(
                        f.createDatabase("too_late", "cmd-late", Duration.ofSeconds(2))));
    assertThat(late.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(f.command("cmd-late").getState()).isEqualTo(CommandState.COMMAND_STATE_PENDING);

    CompletableFuture<CommandReply> patient =
        CompletableFuture.supplyAsync(
            () ->
                f.bed
                    .databases()
                    .createDatabase(
                        f.createDatabase("patient", "cmd-patient", Duration.ofSeconds(45))));
    Thread.sleep(1000);
    f.startAgent();

    assertThat(patient.get(60, TimeUnit.SECONDS).getCommandId()).isEqualTo("cmd-patient");
    // the late command reached the agent after its deadline: definitely not applied, and said so
    CommandStatus lateStatus = f.awaitDefinite("cmd-late", Duration.ofSeconds(30));
    assertThat(lateStatus.getState()).isEqualTo(CommandState.COMMAND_STATE_FAILED);
    assertThat(lateStatus.getErrorCode()).isEqualTo("DEADLINE_EXCEEDED");
    assertThat(server.databases("too_late")).isEmpty();
    assertThat(server.databases("patient")).containsExactly("patient");
  }

  @Test
  void aSilentlyDeadConnectionIsNoticedByKeepaliveWithinAboutTenSeconds() throws Exception {
    long before = downEvents();
    proxy.holdUpstream(); // a black hole: no error, no RST, nothing comes back
    long start = System.nanoTime();
    while (downEvents() == before) {
      assertThat(System.nanoTime() - start)
          .as("agent noticed the dead connection")
          .isLessThan(Duration.ofSeconds(30).toNanos());
      Thread.sleep(50);
    }
    long noticed = (System.nanoTime() - start) / 1_000_000;
    System.out.printf("dead connection noticed by the agent after %d ms%n", noticed);
    assertThat(noticed)
        .isLessThan(15_000); // keepalive: ping after 10 s without traffic, 2 s timeout
    proxy.cutAll();
    proxy.release();
    f.bed.awaitHealthy(f.instance, Duration.ofSeconds(30));
  }

  /** How often the agent has logged that its channel went down. */
  private long downEvents() throws IOException {
    return Files.readAllLines(f.agent.log()).stream()
        .filter(l -> l.contains("agent channel to"))
        .count();
  }

  private void awaitState(InstanceState state) throws InterruptedException {
    for (int i = 0; i < 300; i++) {
      var s =
          f.bed
              .instances()
              .getInstance(GetInstanceRequest.newBuilder().setInstanceId(f.instance).build());
      if (s.getState() == state) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("instance never became " + state);
  }
}
