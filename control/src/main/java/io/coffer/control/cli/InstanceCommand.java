package io.coffer.control.cli;

import picocli.CommandLine.Command;

/** {@code coffer instance}: instances known to the control. */
@Command(
    name = "instance",
    description =
        "Show the instances whose agents connected to the control; restart their servers.",
    subcommands = {InstanceList.class, InstanceShow.class, InstanceRestart.class})
final class InstanceCommand extends CliCommand {}
