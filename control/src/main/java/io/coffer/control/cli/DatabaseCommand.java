package io.coffer.control.cli;

import picocli.CommandLine.Command;

/** {@code coffer database}: databases (schemas) on an instance. */
@Command(
    name = "database",
    description = "Create, list and delete the databases of an instance.",
    subcommands = {DatabaseCreate.class, DatabaseList.class, DatabaseDelete.class})
final class DatabaseCommand extends CliCommand {}
