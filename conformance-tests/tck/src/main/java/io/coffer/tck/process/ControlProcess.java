package io.coffer.tck.process;

import io.coffer.control.ca.CofferHome;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code coffer control start --config FILE} in its own JVM, on fixed ports so agents can reconnect
 * after a restart.
 */
public final class ControlProcess extends JavaProcess {
  private final int apiPort;

  private ControlProcess(Path config, Path log, int apiPort) throws IOException {
    super(
        List.of("-Xmx256m"),
        "io.coffer.control.cli.CofferCli",
        List.of("control", "start", "--config", config.toString()),
        log);
    this.apiPort = apiPort;
  }

  /**
   * Writes a configuration for {@code home} and starts the control; returns once its API accepts
   * connections.
   */
  public static ControlProcess start(CofferHome home, int agentPort, int apiPort, Path log)
      throws IOException, InterruptedException {
    Path config = home.root().resolve("control.yaml");
    Files.writeString(
        config,
        """
        home: %s
        agentListen: 127.0.0.1:%d
        apiListen: 127.0.0.1:%d
        """
            .formatted(home.root(), agentPort, apiPort));
    ControlProcess p = new ControlProcess(config, log, apiPort);
    p.awaitListening(Duration.ofSeconds(60));
    return p;
  }

  private void awaitListening(Duration timeout) throws InterruptedException, IOException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (!alive()) {
        throw new IOException("the control exited; see " + log());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", apiPort), 200);
        return;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    throw new IOException(
        "the control did not listen on " + apiPort + " within " + timeout + "; see " + log());
  }
}
