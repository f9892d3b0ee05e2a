package io.coffer.control.cli;

import picocli.CommandLine.Command;

/** {@code coffer workflow}: workflows run by the control. */
@Command(
    name = "workflow",
    description =
        "Follow the workflows the control runs for 'coffer replica create', 'coffer promote' and "
            + "'coffer eject', by workflow id (the --command-id they were started with, printed when they start).",
    subcommands = {WorkflowShow.class})
final class WorkflowCommand extends CliCommand {}
