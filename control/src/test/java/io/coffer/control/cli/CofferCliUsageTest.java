package io.coffer.control.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

class CofferCliUsageTest {

  @TempDir Path tmp;

  /** Every command path: "", "certs", "certs init", ... */
  static Stream<String> commands() {
    List<String> paths = new ArrayList<>();
    collect(new CommandLine(new CofferCli()), "", paths);
    return paths.stream();
  }

  private static void collect(CommandLine commandLine, String prefix, List<String> paths) {
    paths.add(prefix);
    commandLine
        .getSubcommands()
        .forEach(
            (name, sub) -> {
              if (sub.getCommandName().equals(name)) { // skip the aliases picocli adds (help)
                collect(sub, (prefix + " " + name).trim(), paths);
              }
            });
  }

  @Test
  void everyCommandIsThere() {
    assertThat(commands())
        .contains(
            "certs init",
            "certs issue",
            "control start",
            "instance list",
            "instance show",
            "database create",
            "database list",
            "database delete",
            "user create",
            "user list",
            "user delete",
            "user grant",
            "user revoke",
            "user password",
            "user enable-root",
            "backup create",
            "backup list",
            "backup show",
            "backup delete",
            "backup schedule set",
            "backup schedule show",
            "backup schedule delete",
            "restore",
            "replica create",
            "replica list",
            "promote",
            "eject",
            "workflow show",
            "command show");
  }

  @ParameterizedTest
  @MethodSource("commands")
  void helpWorksEverywhere(String command) {
    List<String> args =
        new ArrayList<>(command.isEmpty() ? List.of() : List.of(command.split(" ")));
    args.add("--help");
    Cli.Result result = Cli.run(args.toArray(String[]::new));
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).startsWith(command.isEmpty() ? "Coffer" : "Usage: coffer " + command);
    assertThat(result.out()).contains("--help", "--version", "--json", "--control", "--home");
    assertThat(result.err()).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("commands")
  void versionWorksEverywhere(String command) {
    List<String> args =
        new ArrayList<>(command.isEmpty() ? List.of() : List.of(command.split(" ")));
    args.add("--version");
    Cli.Result result = Cli.run(args.toArray(String[]::new));
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).startsWith("coffer ").contains("Java ");
  }

  @Test
  void topLevelHelpListsTheCommandGroups() {
    Cli.Result result = Cli.run("--help");
    assertThat(result.out())
        .contains(
            "certs",
            "control",
            "instance",
            "database",
            "user",
            "backup",
            "restore",
            "replica",
            "promote",
            "eject",
            "workflow",
            "command",
            "Exit codes");
  }

  static Stream<List<String>> usageErrors() {
    return Stream.of(
        List.of(),
        List.of("--bogus"),
        List.of("instnace", "list"),
        List.of("instance"),
        List.of("instance", "show"),
        List.of("instance", "show", "a", "b"),
        List.of("database", "create", "db-1"),
        List.of("database", "delete", "db-1"),
        List.of("user", "grant", "db-1", "bob"),
        List.of("user", "create", "db-1", "bob", "--password", "x", "--password-stdin"),
        List.of("certs", "issue"),
        List.of("certs", "issue", "--instance", "a", "--client", "b"),
        List.of("certs", "issue", "--instance", "a", "--days", "many"),
        List.of("--timeout", "soon", "instance", "list"),
        List.of("instance", "list", "--timeout", "0s"),
        List.of("--control", "nohostport", "instance", "list"),
        List.of("control", "start", "--api-listen", "x"),
        List.of("database", "create", "db-1", "shop", "--command-id", "not valid!"),
        List.of("backup", "create"),
        List.of("backup", "create", "db-1", "--incremental", "--logical"),
        List.of("backup", "create", "db-1", "--parent", "bk-000000000001"),
        List.of("backup", "delete"),
        List.of("backup", "schedule", "set", "db-1"),
        List.of("backup", "schedule", "set", "db-1", "--full", "0 3 * * *", "--keep-days", "-1"),
        List.of("backup", "schedule", "set", "db-1", "--full", "0 3 * * *", "--keep-count", "many"),
        List.of("restore", "bk-000000000001"),
        List.of("restore", "bk-000000000001", "--instance", "db-2", "--command-id", "not valid!"),
        List.of("replica", "create", "db-1"),
        List.of("replica", "create", "db-1", "--instance", "db-1"),
        List.of("replica", "list"),
        List.of("promote"),
        List.of("eject", "db-1", "--command-id", "not valid!"),
        List.of("workflow", "show"));
  }

  @ParameterizedTest
  @MethodSource("usageErrors")
  void usageErrorsAreOneLineAndExitTwo(List<String> args) {
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of("--home", tmp.toString())); // never touch the real ~/.coffer
    if (args.isEmpty()) {
      all.clear();
    }
    Cli.Result result = Cli.run(all.toArray(String[]::new));
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
    assertThat(result.out()).as(result.toString()).isEmpty();
    assertThat(result.err()).as(result.toString()).startsWith("coffer: ").endsWith("\n");
    assertThat(result.err().lines()).as(result.toString()).hasSize(1);
    assertThat(result.err()).doesNotContain("Exception", "\tat ", "Usage:");
  }

  @Test
  void usageErrorsNameTheCommandAndSuggest() {
    assertThat(Cli.run().err())
        .isEqualTo("coffer: Missing required subcommand (see 'coffer --help')\n");
    assertThat(Cli.run("instance", "show").err())
        .isEqualTo(
            "coffer: Missing required parameter: 'INSTANCE' (see 'coffer instance show --help')\n");
    assertThat(Cli.run("instance", "lst").err()).contains("did you mean list");
    assertThat(Cli.run("certs", "issue", "--instance", "a", "--client", "b").err())
        .contains("mutually exclusive");
  }

  @Test
  void missingClientCertificateSaysToRunCertsInit() {
    Cli.Result result = Cli.run("--home", tmp.toString(), "instance", "list");
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo(
            "coffer: no CA certificate at "
                + tmp.resolve("ca/ca.pem")
                + "; run 'coffer certs init' first (or pass --ca-file)\n");

    Cli.run("--home", tmp.toString(), "certs", "init");
    result = Cli.run("--home", tmp.toString(), "database", "list", "db-1", "--client", "ops");
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .startsWith("coffer: no client certificate for 'ops' at " + tmp.resolve("clients/ops.pem"))
        .contains("run 'coffer certs init' first");
    assertThat(result.err().lines()).hasSize(1);
  }

  @Test
  void controlStartWithoutCertificatesSaysToRunCertsInit() {
    Cli.Result result = Cli.run("--home", tmp.toString(), "control", "start");
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo(
            "coffer: no CA certificate at "
                + tmp.resolve("ca/ca.pem")
                + "; run 'coffer certs init' first\n");
  }

  @Test
  void badConfigFileIsAUsageError() throws Exception {
    Path config = Files.writeString(tmp.resolve("control.yaml"), "agentListn: 1.2.3.4:5\n");
    Cli.Result result = Cli.run("control", "start", "--config", config.toString());
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).startsWith("coffer: " + config + ": unknown setting 'agentListn'");
    assertThat(result.err().lines()).hasSize(1);

    result = Cli.run("--home", tmp.toString(), "control", "start", "--config", config.toString());
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .isEqualTo(
            "coffer: --home cannot be combined with --config; set 'home' in " + config + "\n");
  }
}
