package io.coffer.bench;

import io.coffer.tck.Testbed;
import io.coffer.tck.process.AgentProcess;
import io.grpc.ManagedChannel;
import io.netty.handler.ssl.OpenSsl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.commons.io.file.PathUtils;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bin/coffer-bench}: on loopback, every server in its own JVM, runs the raw gRPC baseline
 * ({@link RawBaseline}), then Coffer's Ping, Noop, agent RSS and agent start time ({@link
 * CofferPhases}), stops everything it started, and prints one table ({@link Report}).
 */
@Command(
    name = "coffer-bench",
    mixinStandardHelpOptions = true,
    description =
        "Benchmarks Coffer's command channel against a raw gRPC mTLS baseline (loopback, separate JVMs).")
public final class ChannelBenchmark implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--duration",
      paramLabel = "SECONDS",
      description =
          "Measured seconds of each 32-caller phase, after its warm-up (default: 10, or 2 with --quick).")
  Integer duration;

  @Option(
      names = "--quick",
      description = "Short phases, for a smoke run; the figures are not meaningful.")
  boolean quick;

  @Option(
      names = "--starts",
      paramLabel = "N",
      description =
          "Start-time samples, each a fresh agent, the load agent included (default: 3, or 1 with --quick).")
  Integer starts;

  @Option(
      names = "--idle",
      paramLabel = "SECONDS",
      description =
          "Quiet seconds between the agent's first healthy status and its idle RSS sample (default: 15, or 2 with --quick).")
  Integer idle;

  @Option(
      names = "--agent-launch",
      paramLabel = "MODE",
      description =
          "PRODUCTION: the agent jar and its own lib directory, as bin/coffer-agent runs it; HARNESS: the tests'"
              + " AgentProcess, on this JVM's classpath (which also holds the control's jars). Default: ${DEFAULT-VALUE}.")
  AgentLauncher.Mode agentLaunch = AgentLauncher.Mode.PRODUCTION;

  @Option(
      names = "--agent-jvm",
      paramLabel = "OPTIONS",
      description =
          "The agent's JVM options, space-separated, e.g. to try a tuning (default: AgentProcess.JVM, \"${DEFAULT-VALUE}\").")
  String agentJvm = String.join(" ", AgentProcess.JVM);

  @Option(
      names = "--keep",
      description = "Keep the work directory (PKI, logs, data) after a successful run too.")
  boolean keep;

  @Option(
      names = "--plugins-dir",
      paramLabel = "DIR",
      description = "Where the MySQL plugin zip is (default: ${DEFAULT-VALUE}).")
  Path pluginsDir =
      Path.of(System.getProperty("coffer.plugins.dir", "conformance-tests/target/plugins"));

  @Option(
      names = "--repo",
      paramLabel = "DIR",
      hidden = true,
      description = "The built source tree (for the agent's own classpath).")
  Path repo = Path.of(System.getProperty("coffer.bench.repo", "."));

  public static void main(String[] args) {
    System.exit(new CommandLine(new ChannelBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    preflight();
    Settings settings = Settings.of(quick, duration, starts, idle);
    List<String> jvm = Stream.of(agentJvm.trim().split("\\s+")).filter(o -> !o.isEmpty()).toList();
    Report report = new Report();
    describeSetup(report, settings, jvm);
    // mariadbd runs as the mysql user: it must be able to traverse the work directory
    Path work =
        Files.createTempDirectory(
            "coffer-bench",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    try (Cleanup cleanup = new Cleanup().onShutdown()) {
      cleanup.add(() -> Leftovers.reap(work));
      Progress.log("starting the control (work directory " + work + ")");
      Testbed bed = cleanup.add(Testbed.startWithControlProcess(work).keepRoot());
      byte[] payload = new byte[settings.payloadBytes()];
      new Random(42).nextBytes(payload); // the content does not matter; fixed for repeatability
      RawBaseline.run(bed, work, settings, payload, report);
      ManagedChannel channel = ClientChannels.admin(bed, bed.apiPort());
      cleanup.add(channel::shutdownNow);
      AgentLauncher agents =
          new AgentLauncher(bed, pluginsDir, work, cleanup, agentLaunch, jvm, runtimeTarget());
      new CofferPhases(bed, channel, agents, settings, payload, report).run();
      Progress.log("stopping agents, MariaDB and the control");
    } catch (Exception e) {
      System.err.println("coffer-bench: failed: " + e);
      e.printStackTrace();
      System.err.println("coffer-bench: logs and data kept in " + work);
      return 1;
    }
    report.print(System.out);
    if (keep) {
      System.out.println("Work directory kept: " + work);
    } else {
      PathUtils.deleteDirectory(work);
    }
    return 0;
  }

  private Path runtimeTarget() {
    return repo.resolve("agent-core/runtime/target");
  }

  /** Refuses to start (usage error) rather than failing halfway. */
  private void preflight() {
    if ((duration != null && duration < 1) || (starts != null && starts < 1)) {
      throw new ParameterException(
          spec.commandLine(), "--duration and --starts must be at least 1");
    }
    if (idle != null && idle < 0) {
      throw new ParameterException(spec.commandLine(), "--idle must be 0 or more seconds");
    }
    pluginsDir = pluginsDir.toAbsolutePath();
    repo = repo.toAbsolutePath();
    if (agentLaunch == AgentLauncher.Mode.PRODUCTION) {
      try {
        AgentLauncher.runtimeJar(runtimeTarget());
      } catch (IOException e) {
        throw new ParameterException(
            spec.commandLine(), e.getMessage() + " (or use --agent-launch HARNESS)");
      }
    }
    if (!Files.isRegularFile(pluginsDir.resolve("coffer-plugin-mysql.zip"))
        && !Files.isDirectory(pluginsDir.resolve("coffer-plugin-mysql"))) {
      throw new ParameterException(
          spec.commandLine(),
          "no MySQL plugin in " + pluginsDir + "; run ./mvnw -q install -DskipTests");
    }
    boolean mariadb =
        Files.isExecutable(Path.of("/usr/sbin/mariadbd"))
            || Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(d -> Files.isExecutable(Path.of(d, "mariadbd")));
    if (!mariadb) {
      throw new ParameterException(
          spec.commandLine(), "mariadbd is not installed (apt-get install mariadb-server)");
    }
  }

  private void describeSetup(Report report, Settings s, List<String> jvm) {
    report.setup.add(
        String.format(
            "machine: %d CPUs shared by all the JVMs below, %s %s; java %s (%s)",
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("os.name"),
            System.getProperty("os.version"),
            System.getProperty("java.version"),
            System.getProperty("java.vm.name")));
    report.setup.add(
        "transport: loopback, gRPC over TLS 1.3 with client certificates, "
            + (OpenSsl.isAvailable() ? "OpenSSL (" + OpenSsl.versionString() + ")" : "JDK TLS"));
    report.setup.add(
        "agent: "
            + (agentLaunch == AgentLauncher.Mode.PRODUCTION
                ? "own classpath (as bin/coffer-agent)"
                : "harness classpath (AgentProcess)")
            + ", JVM options: "
            + String.join(" ", jvm));
    report.setup.add(
        "control and raw echo server: "
            + String.join(" ", EchoServerProcess.JVM)
            + "; client: this JVM, one HTTP/2 connection");
    report.setup.add(s.describe());
  }
}
