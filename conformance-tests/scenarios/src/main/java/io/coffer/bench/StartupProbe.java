package io.coffer.bench;

import io.coffer.proto.v1.CommandOptions;
import io.coffer.proto.v1.DiagnosticsServiceGrpc;
import io.coffer.proto.v1.PingRequest;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Time from spawning an agent's JVM to the first Ping the control gets answered by it. */
final class StartupProbe {
  private static final Duration GIVE_UP = Duration.ofSeconds(120);
  private static final long POLL_PAUSE_MILLIS = 10;

  private StartupProbe() {}

  /**
   * Polls Ping with a 200 ms agent timeout (300 ms gRPC deadline). Until the agent's Hello reaches
   * the control the answer is an immediate NOT_FOUND, and the loop then pauses 10 ms before asking
   * again: polling back to back (or every 2 ms) costs the control and this JVM enough CPU to
   * visibly slow the agent's start on a two-core machine (by 0.1-0.3 s in our runs). The figure is
   * therefore late by 5 ms on average, 10 ms at most.
   */
  static Duration awaitFirstPing(Channel channel, AgentHandle agent)
      throws IOException, InterruptedException {
    PingRequest request =
        PingRequest.newBuilder()
            .setInstanceId(agent.instanceId())
            .setOptions(CommandOptions.newBuilder().setTimeoutMillis(200))
            .build();
    long giveUp = agent.spawnedAtNanos() + GIVE_UP.toNanos();
    StatusRuntimeException last = null;
    while (System.nanoTime() < giveUp) {
      if (!agent.alive()) {
        throw new IOException(
            "agent " + agent.instanceId() + " exited during start; see " + agent.log());
      }
      long callStart = System.nanoTime();
      try {
        DiagnosticsServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(300, TimeUnit.MILLISECONDS)
            .ping(request);
        return Duration.ofNanos(System.nanoTime() - agent.spawnedAtNanos());
      } catch (StatusRuntimeException e) {
        last = e;
        if (System.nanoTime() - callStart < TimeUnit.MILLISECONDS.toNanos(POLL_PAUSE_MILLIS)) {
          Thread.sleep(POLL_PAUSE_MILLIS);
        }
      }
    }
    throw new IOException(
        "agent "
            + agent.instanceId()
            + " answered no Ping within "
            + GIVE_UP
            + " (last: "
            + last
            + "); see "
            + agent.log());
  }
}
