package io.coffer.control.cli;

import io.coffer.control.ca.CofferHome;
import io.coffer.control.config.Durations;
import io.coffer.control.config.HostPort;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code coffer}: the command line of Coffer. One class per command, as in Cassandra's nodetool;
 * the options declared here are global: accepted before or after any subcommand.
 *
 * <p>Exit codes: 0 success, 1 failure, 2 usage error or INVALID_ARGUMENT, 3 NOT_FOUND, 4
 * ALREADY_EXISTS, 5 UNAVAILABLE or DEADLINE_EXCEEDED. Errors are one line on stderr, never a stack
 * trace (set {@code COFFER_DEBUG=1} to get one).
 *
 * <p>The error handlers are installed by a model transformer, so that a plain {@code new
 * CommandLine(new CofferCli()).execute(args)} behaves exactly as {@link #main}.
 */
@Command(
    name = "coffer",
    header = "Coffer: databases as a service, guest agent and control.",
    description = {
      "Manages the Coffer control, its certificates, and the databases, users, backups and replicas of the "
          + "instances it controls.",
      "Talks to the control's northbound API over TLS 1.3 with a client certificate from the Coffer home, "
          + "or a bearer token."
    },
    footer = {
      "",
      "Getting started:",
      "  coffer certs init      create the CA and certificates in the Coffer home",
      "  coffer control start   run the control",
      "  coffer instance list   list the instances whose agents connected",
      "  coffer backup create   back up an instance; 'coffer restore' restores it",
      "  coffer replica create  replicate an instance; 'coffer promote' switches over to it",
      "",
      "Exit codes: 0 ok, 1 failure, 2 usage error or invalid argument,",
      "3 not found, 4 already exists, 5 unavailable or timed out."
    },
    modelTransformer = CofferCli.InstallHandlers.class,
    subcommands = {
      CertsCommand.class,
      EnrollCommand.class,
      ControlCommand.class,
      InstanceCommand.class,
      DatabaseCommand.class,
      UserCommand.class,
      ConfigCommand.class,
      BackupCommand.class,
      BackupRestore.class,
      ArchiveCommand.class,
      ReplicaCommand.class,
      ClusterCommand.class,
      EventsCommand.class,
      HaCommand.class,
      WebhookCommand.class,
      ReplicaPromote.class,
      ReplicaEject.class,
      WorkflowCommand.class,
      CommandCommand.class,
    })
public class CofferCli extends CliCommand {

  static final String DEFAULT_CONTROL = "127.0.0.1:7444";
  static final String DEFAULT_CLIENT = "admin";

  @Option(
      names = "--control",
      paramLabel = "HOST:PORT",
      scope = ScopeType.INHERIT,
      defaultValue = "${env:COFFER_CONTROL:-" + DEFAULT_CONTROL + "}",
      converter = HostPortConverter.class,
      description = "Northbound API of the control (env COFFER_CONTROL, default ${DEFAULT-VALUE}).")
  HostPort control;

  @Option(
      names = "--home",
      paramLabel = "DIR",
      scope = ScopeType.INHERIT,
      description =
          "Coffer home holding the CA and certificates (env COFFER_HOME, default ~/.coffer).")
  Path home;

  /**
   * Not inherited: {@code certs issue --client NAME} means something else. The commands that talk
   * to the control declare their own {@code --client}, falling back to this one.
   */
  @Option(
      names = "--client",
      paramLabel = "NAME",
      description =
          "Client identity to authenticate with: HOME/clients/NAME.pem and NAME.key (default admin).")
  String client;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      scope = ScopeType.INHERIT,
      defaultValue = "${env:COFFER_TOKEN}",
      description = {
        "Bearer token to authenticate with instead of a client certificate (env COFFER_TOKEN; "
            + "prefer the variable: an option value is visible to other users in ps)."
      })
  String token;

  @Option(
      names = "--ca-file",
      paramLabel = "FILE",
      scope = ScopeType.INHERIT,
      description = "CA certificate to verify the control with (default HOME/ca/ca.pem).")
  Path caFile;

  @Option(
      names = "--json",
      scope = ScopeType.INHERIT,
      description = "Machine output: one JSON document on stdout.")
  boolean json;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      scope = ScopeType.INHERIT,
      converter = DurationConverter.class,
      description =
          "How long to wait for the agent, e.g. 500ms, 30s, 5m (default: the control's, 30s; for "
              + "restore and backup delete, its job timeout, 24h).")
  Duration timeout;

  private InputStream stdin = System.in;
  private Boolean stderrTerminal;

  public static void main(String[] args) {
    System.exit(new CommandLine(new CofferCli()).execute(args));
  }

  /** The Coffer home: {@code --home}, else {@code $COFFER_HOME}, else {@code ~/.coffer}. */
  CofferHome home() {
    return home != null ? new CofferHome(home.toAbsolutePath()) : CofferHome.fromEnvironment();
  }

  HostPort control() {
    return control != null ? control : HostPort.parse(DEFAULT_CONTROL);
  }

  /** {@code --client} given before the subcommand, else {@code admin}. */
  String clientName() {
    return client != null ? client : DEFAULT_CLIENT;
  }

  String token() {
    return token == null || token.isBlank() ? null : token.trim();
  }

  Path caFile() {
    return caFile != null ? caFile.toAbsolutePath() : home().caCert();
  }

  boolean json() {
    return json;
  }

  Duration timeout() {
    return timeout;
  }

  /** Standard input, for {@code --password-stdin}; replaceable by tests. */
  InputStream stdin() {
    return stdin;
  }

  public CofferCli stdin(InputStream in) {
    this.stdin = in;
    return this;
  }

  /** Whether stderr is a terminal, where progress is shown on one line rewritten in place. */
  boolean stderrIsTerminal() {
    if (stderrTerminal == null) {
      stderrTerminal = detectStderrTerminal();
    }
    return stderrTerminal;
  }

  /** Replaces the detection, for tests. */
  CofferCli stderrTerminal(boolean terminal) {
    this.stderrTerminal = terminal;
    return this;
  }

  private static boolean detectStderrTerminal() {
    if ("dumb".equals(System.getenv("TERM"))) {
      return false;
    }
    try { // Linux: where file descriptor 2 points
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return System.console()
          != null; // elsewhere: stdin and stdout are a terminal, so most likely stderr too
    }
  }

  /** Installs the one-line error handlers on the top-level {@link CommandLine}. */
  public static final class InstallHandlers implements IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec spec) {
      CommandLine commandLine = spec.commandLine();
      if (commandLine != null) {
        ErrorHandler handler = new ErrorHandler();
        commandLine.setParameterExceptionHandler(handler);
        commandLine.setExecutionExceptionHandler(handler);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
      }
      return spec;
    }
  }

  static final class HostPortConverter implements ITypeConverter<HostPort> {
    @Override
    public HostPort convert(String value) {
      try {
        return HostPort.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      Duration duration;
      try {
        duration = Durations.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
      if (duration.isZero()) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not a positive duration");
      }
      return duration;
    }
  }
}
