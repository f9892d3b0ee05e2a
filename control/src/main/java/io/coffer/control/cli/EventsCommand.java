package io.coffer.control.cli;

import picocli.CommandLine.Command;

/** {@code coffer events}: the control's journal of what happened. */
@Command(
    name = "events",
    description =
        "Follow the control's events (failovers, fencing, repairs, backups, instances "
            + "coming and going).",
    subcommands = {EventsWatch.class})
final class EventsCommand extends CliCommand {}
