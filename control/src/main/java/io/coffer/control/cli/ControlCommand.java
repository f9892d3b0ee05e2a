package io.coffer.control.cli;

import picocli.CommandLine.Command;

/** {@code coffer control}: run the control service. */
@Command(
    name = "control",
    description = "Run the Coffer control service.",
    subcommands = {ControlStart.class})
final class ControlCommand extends CliCommand {}
