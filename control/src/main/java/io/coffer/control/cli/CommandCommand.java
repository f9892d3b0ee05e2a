package io.coffer.control.cli;

import picocli.CommandLine.Command;

/** {@code coffer command}: commands journaled by the control. */
@Command(
    name = "command",
    description = "Look up and cancel commands sent to instances, by command id.",
    subcommands = {CommandShow.class, CommandCancel.class})
final class CommandCommand extends CliCommand {}
