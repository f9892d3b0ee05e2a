package io.coffer.bench;

import io.coffer.agent.config.AgentConfig;
import io.coffer.tck.Ports;
import io.coffer.tck.Testbed;
import io.coffer.tck.process.AgentProcess;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Starts agents, each a fresh instance (new instance id, certificate, data directory, MariaDB port)
 * with the MySQL plugin, in one of two ways:
 *
 * <ul>
 *   <li>{@link Mode#PRODUCTION}: the command {@code bin/coffer-agent} runs, i.e. the agent runtime
 *       jar and its own lib directory, as deployed. The default, because the benchmark's goals are
 *       about the product: the harness classpath also holds the control's jars (Bouncy Castle,
 *       which Netty then uses to read the agent's key), JUnit and AssertJ, which costs start time
 *       and RSS. The command line is built here rather than by the script, so that the JVM options
 *       are exactly those reported (an AppCDS archive is passed with --agent-jvm).
 *   <li>{@link Mode#HARNESS}: {@link AgentProcess}, on this JVM's classpath, as the tests run it.
 * </ul>
 *
 * In both cases with the same JVM options, {@link AgentProcess#JVM} unless overridden.
 */
final class AgentLauncher {
  enum Mode {
    PRODUCTION,
    HARNESS
  }

  private final Testbed bed;
  private final Path pluginsDir;
  private final Path workDir;
  private final Cleanup cleanup;
  private final Mode mode;
  private final List<String> jvm;
  private final Path runtimeTarget;

  /**
   * @param runtimeTarget agent-core/runtime/target of a built source tree (for PRODUCTION)
   */
  AgentLauncher(
      Testbed bed,
      Path pluginsDir,
      Path workDir,
      Cleanup cleanup,
      Mode mode,
      List<String> jvm,
      Path runtimeTarget) {
    this.bed = bed;
    this.pluginsDir = pluginsDir;
    this.workDir = workDir;
    this.cleanup = cleanup;
    this.mode = mode;
    this.jvm = jvm;
    this.runtimeTarget = runtimeTarget;
    // agents as installed: their ciphers warmed up after start (backup.warmUp, on by default)
    bed.cipherWarmUp(mode == Mode.PRODUCTION);
  }

  /**
   * Provisions the instance (certificate, configuration file) and then spawns the agent; the clock
   * starts right before the spawn, so provisioning is not counted as start time.
   */
  AgentHandle launch(String instanceId) throws IOException {
    return launch(instanceId, "mysql", Map.of());
  }

  /** {@link #launch(String)} for another engine, with its plugin settings. */
  AgentHandle launch(String instanceId, String engine, Map<String, String> settings)
      throws IOException {
    Path instanceDir = workDir.resolve("instances").resolve(instanceId);
    AgentConfig config =
        bed.agentConfig(
            instanceId,
            pluginsDir,
            new AgentConfig.Datastore(
                engine,
                instanceDir.resolve("data"),
                instanceDir.resolve("run"),
                "127.0.0.1",
                Ports.free(),
                "",
                settings));
    Path file = bed.writeAgentConfig(config);
    Path log = workDir.resolve("logs").resolve(instanceId + ".log");
    Files.createDirectories(log.getParent());
    Instant wallClock = Instant.now();
    long spawnedAt = System.nanoTime();
    if (mode == Mode.HARNESS) {
      AgentProcess p = cleanup.add(AgentProcess.start(file, log, jvm));
      return new AgentHandle(
          instanceId, ProcessHandle.of(p.pid()).orElseThrow(), log, p, spawnedAt, wallClock);
    }
    ProcessBuilder builder =
        new ProcessBuilder(productionCommand(file))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    // they would override the configuration written above
    builder.environment().keySet().removeIf(k -> k.startsWith("COFFER_AGENT_"));
    Process p = builder.start();
    AutoCloseable stop =
        () -> {
          p.destroy();
          if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
          }
        };
    return cleanup.add(new AgentHandle(instanceId, p.toHandle(), log, stop, spawnedAt, wallClock));
  }

  /**
   * What bin/coffer-agent execs: java OPTIONS -cp RUNTIME_JAR:lib/* io.coffer.agent.AgentMain
   * --config FILE.
   */
  private List<String> productionCommand(Path config) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvm);
    command.add("-cp");
    command.add(
        runtimeJar() + File.pathSeparator + runtimeTarget.resolve("lib") + File.separator + "*");
    command.add("io.coffer.agent.AgentMain");
    command.add("--config");
    command.add(config.toString());
    return command;
  }

  /** The runtime jar, as bin/coffer-agent finds it. */
  static Path runtimeJar(Path runtimeTarget) throws IOException {
    try (Stream<Path> files = Files.list(runtimeTarget)) {
      return files
          .filter(
              f -> {
                String name = f.getFileName().toString();
                return name.startsWith("coffer-agent-runtime-")
                    && name.endsWith(".jar")
                    && !name.contains("sources")
                    && !name.contains("javadoc")
                    && !name.contains("tests");
              })
          .findFirst()
          .orElseThrow(
              () ->
                  new IOException(
                      "no coffer-agent-runtime jar in "
                          + runtimeTarget
                          + "; run ./mvnw -q install -DskipTests"));
    }
  }

  private Path runtimeJar() throws IOException {
    return runtimeJar(runtimeTarget);
  }
}
