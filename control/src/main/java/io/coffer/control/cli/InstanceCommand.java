package io.coffer.control.cli;

import picocli.CommandLine.Command;

/** {@code coffer instance}: instances known to the control. */
@Command(name = "instance", description = "Show the instances whose agents connected to the control.",
    subcommands = {InstanceList.class, InstanceShow.class})
final class InstanceCommand extends CliCommand {}
