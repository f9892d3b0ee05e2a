package io.coffer.control.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of every {@code coffer} command: {@code --help} and {@code --version}, and access to the
 * global options and the output streams. Commands with subcommands extend it directly (picocli then
 * requires a subcommand); commands that do something implement {@link
 * java.util.concurrent.Callable}.
 */
@Command(
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    usageHelpAutoWidth = true)
abstract class CliCommand {

  @Spec CommandSpec spec;

  /** The top-level command, holding the global options. */
  CofferCli cli() {
    return (CofferCli) spec.root().userObject();
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  Output output() {
    return new Output(out(), cli().json());
  }
}
