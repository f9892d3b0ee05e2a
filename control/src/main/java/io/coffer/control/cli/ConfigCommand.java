package io.coffer.control.cli;

import picocli.CommandLine.Command;

/** {@code coffer config}: server parameters of an instance. */
@Command(
    name = "config",
    description = "Show and change the server parameters of an instance.",
    subcommands = {ConfigRules.class, ConfigShow.class, ConfigSet.class})
final class ConfigCommand extends CliCommand {}
