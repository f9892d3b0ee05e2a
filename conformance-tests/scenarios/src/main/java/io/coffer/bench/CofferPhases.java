package io.coffer.bench;

import io.coffer.tck.Testbed;
import io.grpc.Channel;
import java.time.Duration;

/**
 * Phases 2 to 6 through the control: one agent for Ping and Noop and its RSS (idle, then sampled
 * under load), then fresh agents for the start time. The load agent's own start is the first start
 * sample.
 */
final class CofferPhases {
  private static final String MAIN_INSTANCE = "bench-agent";

  private final Testbed bed;
  private final Channel channel;
  private final AgentLauncher agents;
  private final Settings s;
  private final byte[] payload;
  private final Report report;

  CofferPhases(
      Testbed bed,
      Channel channel,
      AgentLauncher agents,
      Settings s,
      byte[] payload,
      Report report) {
    this.bed = bed;
    this.channel = channel;
    this.agents = agents;
    this.s = s;
    this.payload = payload;
    this.report = report;
  }

  void run() throws Exception {
    AgentHandle agent = start(MAIN_INSTANCE);
    bed.awaitHealthy(MAIN_INSTANCE, Duration.ofSeconds(120)); // Noop waits for the datastore
    Progress.log(
        "coffer: agent healthy; " + s.idleQuiet().toSeconds() + " s quiet before the idle RSS");
    Thread.sleep(s.idleQuiet().toMillis());
    report.agentIdleKiB = RssSampler.rssKiB(agent.pid());
    report.agentIdleAfterSeconds = s.idleQuiet().toSeconds();
    report.controlIdleKiB = RssSampler.rssKiB(bed.controlProcess().pid());

    Call ping = CofferCalls.ping(channel, MAIN_INSTANCE, payload, s.deadlineMillis());
    Progress.log("coffer ping: latency, 1 caller");
    report.pingLatency = Load.sequential(ping, s.warmupCalls(), s.measuredCalls());
    Progress.log("coffer ping: throughput, " + s.callers() + " callers");
    CpuMeter pingCpu = cpuMeter(agent);
    long[] pingRss =
        underLoad(
            agent,
            () ->
                report.pingThroughput =
                    Load.closedLoop(ping, s.callers(), s.loadWarmup(), s.window(), pingCpu));
    report.agentPingMaxKiB = pingRss[0];
    report.pingCpu = pingCpu.perCall(report.pingThroughput.calls());

    Call noop =
        CofferCalls.noop(
            channel,
            MAIN_INSTANCE,
            Long.toString(System.currentTimeMillis(), 36),
            s.deadlineMillis());
    Progress.log("coffer noop: latency, 1 caller");
    report.noopLatency = Load.sequential(noop, s.noopWarmupCalls(), s.noopMeasuredCalls());
    Progress.log("coffer noop: throughput, " + s.callers() + " callers");
    CpuMeter noopCpu = cpuMeter(agent);
    long[] noopRss =
        underLoad(
            agent,
            () ->
                report.noopThroughput =
                    Load.closedLoop(noop, s.callers(), s.loadWarmup(), s.window(), noopCpu));
    report.agentNoopMaxKiB = noopRss[0];
    report.noopCpu = noopCpu.perCall(report.noopThroughput.calls());
    report.controlMaxKiB = Math.max(pingRss[1], noopRss[1]);

    for (int i = 1; i < s.startSamples(); i++) {
      Progress.log("coffer: start time, fresh agent " + (i + 1) + " of " + s.startSamples());
      AgentHandle fresh = start("bench-start-" + i);
      // let it finish initialising its data directory: stopping it halfway leaves the installer
      // running, which would compete with the next sample
      bed.awaitHealthy(fresh.instanceId(), Duration.ofSeconds(120));
      fresh.close();
    }
  }

  /** Spawns a fresh agent and records its start time and where that went. */
  private AgentHandle start(String instanceId) throws Exception {
    Progress.log("coffer: starting agent " + instanceId);
    AgentHandle agent = agents.launch(instanceId);
    report.starts.add(StartupProbe.awaitFirstPing(channel, agent));
    report.startTimelines.add(StartTimeline.describe(agent.log(), agent.spawnedAt()));
    return agent;
  }

  private CpuMeter cpuMeter(AgentHandle agent) {
    return new CpuMeter(
        CpuMeter.labels(
            "client",
            ProcessHandle.current().pid(),
            "control",
            bed.controlProcess().pid(),
            "agent",
            agent.pid()));
  }

  private interface Phase {
    void run() throws Exception;
  }

  /**
   * Runs {@code phase} while sampling the agent's and the control's RSS; returns their maxima in
   * KiB.
   */
  private long[] underLoad(AgentHandle agent, Phase phase) throws Exception {
    RssSampler agentRss = RssSampler.start(agent.pid());
    RssSampler controlRss = RssSampler.start(bed.controlProcess().pid());
    try {
      phase.run();
    } finally {
      agentRss.close();
      controlRss.close();
    }
    return new long[] {agentRss.maxKiB(), controlRss.maxKiB()};
  }
}
