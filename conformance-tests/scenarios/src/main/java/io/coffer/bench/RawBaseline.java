package io.coffer.bench;

import io.coffer.control.ca.CertificateAuthority;
import io.coffer.tck.Ports;
import io.coffer.tck.Testbed;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Phase 1: a raw grpc-java echo between this JVM and a {@link RawEchoServer} JVM, with a server
 * certificate from the same CA and the same client certificate as the Coffer phases. It runs first
 * and alone, so that no agent or MariaDB competes with it, and the server is stopped afterwards.
 */
final class RawBaseline {
  private RawBaseline() {}

  static void run(Testbed bed, Path work, Settings s, byte[] payload, Report report)
      throws Exception {
    Path dir = Files.createDirectories(work.resolve("echo"));
    Path cert = dir.resolve("server.crt");
    Path key = dir.resolve("server.key");
    bed.ca()
        .issueServer(
            "coffer-bench-echo",
            List.of("localhost"),
            List.of("127.0.0.1"),
            CertificateAuthority.DEFAULT_LEAF_VALIDITY,
            cert,
            key);
    int port = Ports.free();
    Progress.log("raw echo: starting the server JVM");
    try (EchoServerProcess echo =
        EchoServerProcess.start(
            port, cert, key, bed.home().caCert(), work.resolve("logs/echo.log"))) {
      ManagedChannel channel = ClientChannels.admin(bed, port);
      try {
        Call call = RawEcho.call(channel, payload, s.deadlineMillis());
        Progress.log("raw echo: latency, 1 caller");
        report.rawLatency = Load.sequential(call, s.warmupCalls(), s.measuredCalls());
        Progress.log("raw echo: throughput, " + s.callers() + " callers");
        CpuMeter cpu =
            new CpuMeter(
                CpuMeter.labels(
                    "client", ProcessHandle.current().pid(), "echo server", echo.pid()));
        report.rawThroughput = Load.closedLoop(call, s.callers(), s.loadWarmup(), s.window(), cpu);
        report.rawCpu = cpu.perCall(report.rawThroughput.calls());
      } finally {
        channel.shutdownNow();
      }
    }
  }
}
