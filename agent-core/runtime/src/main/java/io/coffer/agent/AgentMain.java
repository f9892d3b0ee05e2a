package io.coffer.agent;

import io.coffer.agent.channel.NettyBuffers;
import io.coffer.agent.config.AgentConfig;
import io.coffer.agent.config.AgentConfigLoader;
import io.coffer.agent.config.ConfigException;
import io.coffer.agent.identity.CertificateIdentity;
import io.coffer.agent.identity.Enrollment;
import io.coffer.agent.logging.AgentLogging;
import io.coffer.agent.plugin.PluginHost;
import java.io.IOException;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code coffer-agent --config FILE}: runs the agent in the foreground until SIGTERM/SIGINT. */
@Command(
    name = "coffer-agent",
    mixinStandardHelpOptions = true,
    versionProvider = AgentMain.VersionProvider.class,
    description =
        "Runs the Coffer guest agent: supervises the datastore and serves the control over an outbound mTLS stream.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:stopped (143 or 130 when the stop was SIGTERM or SIGINT: the JVM's own code, after the"
          + " agent stopped cleanly)",
      "1:failed while running",
      "2:bad configuration or usage (also: instanceId is not the instance the certificate names)"
    })
public final class AgentMain implements Callable<Integer> {
  /** Held for the life of the process (see {@link StateLock}). */
  private static FileLock stateLock;

  @Option(
      names = {"-c", "--config"},
      required = true,
      paramLabel = "FILE",
      description =
          "Agent configuration (YAML); settings may be overridden with COFFER_AGENT_* environment variables.")
  Path config;

  @Option(names = "--check", description = "Validate the configuration and exit.")
  boolean check;

  @Override
  public Integer call() throws Exception {
    AgentConfig cfg;
    try {
      cfg = AgentConfigLoader.load(config);
    } catch (ConfigException e) {
      System.err.println("coffer-agent: " + e.getMessage());
      return 2;
    }
    if (check) {
      try {
        if (cfg.control().enrollment() != null && !Files.exists(cfg.control().certFile())) {
          System.out.println(
              "configuration "
                  + config
                  + " is valid (instance "
                  + cfg.instanceId()
                  + ", to enroll)");
          return 0;
        }
        CertificateIdentity.require(cfg.instanceId(), cfg.control().certFile());
      } catch (CertificateIdentity.IdentityException e) {
        System.err.println("coffer-agent: " + e.getMessage());
        return 2;
      }
      System.out.println(
          "configuration " + config + " is valid (instance " + cfg.instanceId() + ")");
      return 0;
    }
    Agent agent;
    try {
      stateLock = StateLock.acquire(cfg.stateDir(), Duration.ofSeconds(30));
      NativeLibraries.install(cfg.stateDir(), System.getProperties());
      agent = Agent.start(cfg);
    } catch (PluginHost.PluginException
        | CertificateIdentity.IdentityException
        | Enrollment.EnrollmentException
        | IOException e) {
      System.err.println("coffer-agent: " + e.getMessage());
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  agent.close();
                  stopped.countDown();
                },
                "coffer-agent-shutdown"));
    stopped.await();
    return 0;
  }

  public static void main(String[] args) {
    AgentLogging.install();
    NettyBuffers.install(); // before anything loads Netty
    CommandLine cli = new CommandLine(new AgentMain());
    cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          cmd.getErr().println("coffer-agent: " + e.getMessage());
          return 1;
        });
    System.exit(cli.execute(args));
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"coffer-agent " + Version.current()};
    }
  }
}
