package io.coffer.tck.process;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** {@code coffer-agent --config FILE} in its own JVM. */
public final class AgentProcess extends JavaProcess {
  /** The agent's production JVM settings (as bin/coffer-agent uses them). */
  public static final List<String> JVM =
      List.of(
          "-Xms8m",
          "-Xmx96m",
          "-XX:MinHeapFreeRatio=10",
          "-XX:MaxHeapFreeRatio=20",
          "-Xss512k",
          "-XX:+UseSerialGC",
          "-XX:CICompilerCount=2",
          "-XX:ReservedCodeCacheSize=48m",
          "-XX:+IgnoreUnrecognizedVMOptions",
          "-XX:+UnlockExperimentalVMOptions",
          "-XX:TrimNativeHeapInterval=5000");

  private AgentProcess(Path config, Path log, List<String> jvm) throws IOException {
    super(jvm, "io.coffer.agent.AgentMain", List.of("--config", config.toString()), log);
  }

  public static AgentProcess start(Path config, Path log) throws IOException {
    return new AgentProcess(config, log, JVM);
  }

  public static AgentProcess start(Path config, Path log, List<String> jvm) throws IOException {
    return new AgentProcess(config, log, jvm);
  }
}
