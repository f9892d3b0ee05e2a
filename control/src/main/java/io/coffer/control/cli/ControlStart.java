package io.coffer.control.cli;

import ch.qos.logback.classic.Level;
import io.coffer.control.config.ControlConfig;
import io.coffer.control.config.HostPort;
import io.coffer.control.server.ControlServer;
import java.io.IOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code coffer control start}: runs the control in the foreground until SIGTERM or SIGINT. */
@Command(
    name = "start",
    description = {
      "Start the control in the foreground: the agent gateway (mutual TLS) and the northbound API. "
          + "Stops cleanly on SIGTERM or Ctrl-C.",
      "Without --config, every setting has its default, with files under the Coffer home "
          + "(run 'coffer certs init' first). Logs go to stderr at INFO (env COFFER_LOG_LEVEL to change)."
    })
final class ControlStart extends CliCommand implements Callable<Integer> {

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "YAML configuration file (see ControlConfig).")
  Path config;

  @Option(
      names = "--agent-listen",
      paramLabel = "HOST:PORT",
      converter = CofferCli.HostPortConverter.class,
      description = "Where agents connect (default 127.0.0.1:7443).")
  HostPort agentListen;

  @Option(
      names = "--api-listen",
      paramLabel = "HOST:PORT",
      converter = CofferCli.HostPortConverter.class,
      description = "Where the northbound API listens (default 127.0.0.1:7444).")
  HostPort apiListen;

  @Override
  public Integer call() throws InterruptedException {
    if (config != null && cli().home != null) {
      throw new CliException(
          ExitCodes.USAGE, "--home cannot be combined with --config; set 'home' in " + config);
    }
    ControlConfig cfg =
        config != null ? ControlConfig.load(config) : ControlConfig.defaults(cli().home());
    cfg =
        cfg.withListeners(
            agentListen != null ? agentListen : cfg.agentListen(),
            apiListen != null ? apiListen : cfg.apiListen());
    requireFile(cfg.caFile(), "CA certificate");
    requireFile(cfg.certFile(), "control certificate");
    requireFile(cfg.keyFile(), "control key");
    serverLogging();

    ControlServer server;
    try {
      server = ControlServer.start(cfg);
    } catch (BindException e) {
      throw new CliException(
          ExitCodes.FAILURE,
          "cannot listen on "
              + cfg.agentListen()
              + " or "
              + cfg.apiListen()
              + ": "
              + e.getMessage()
              + " (is another control running?)",
          e);
    } catch (IOException e) {
      throw new CliException(ExitCodes.FAILURE, "cannot start the control: " + e.getMessage(), e);
    }
    Thread hook = new Thread(server::close, "coffer-control-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);

    HostPort agents = new HostPort(cfg.agentListen().host(), server.agentPort());
    HostPort api = new HostPort(cfg.apiListen().host(), server.apiPort());
    if (output().json()) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("agentListen", agents.toString());
      result.put("apiListen", api.toString());
      result.put("home", cfg.home().root().toString());
      result.put("stateDir", cfg.stateDir().toString());
      output().jsonValue(result);
    } else {
      output().line("Coffer control running (stop with Ctrl-C or SIGTERM):");
      output()
          .fields(
              List.of(
                  new String[] {"  agents", agents + "  (mutual TLS)"},
                  new String[] {"  API", api + "  (TLS; client certificate or bearer token)"},
                  new String[] {"  state", cfg.stateDir().toString()}));
    }

    try {
      server.awaitTermination();
    } finally {
      server.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or has run
      }
    }
    return ExitCodes.OK;
  }

  private static void requireFile(Path file, String what) {
    if (!Files.isReadable(file)) {
      throw new CliException(
          ExitCodes.FAILURE,
          (Files.exists(file) ? "cannot read" : "no")
              + " "
              + what
              + " at "
              + file
              + "; run 'coffer certs init' first");
    }
  }

  /**
   * The CLI logs at WARN (logback.xml); a running server at INFO unless COFFER_LOG_LEVEL says
   * otherwise.
   */
  private static void serverLogging() {
    if (System.getenv("COFFER_LOG_LEVEL") != null
        || System.getProperty("COFFER_LOG_LEVEL") != null) {
      return;
    }
    if (LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)
        instanceof ch.qos.logback.classic.Logger root) {
      root.setLevel(Level.INFO);
    }
  }
}
