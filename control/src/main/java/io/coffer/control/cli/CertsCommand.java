package io.coffer.control.cli;

import picocli.CommandLine.Command;

/** {@code coffer certs}: the development certificate authority. */
@Command(
    name = "certs",
    description = "Manage the development certificate authority and the certificates it issues.",
    subcommands = {CertsInit.class, CertsIssue.class})
final class CertsCommand extends CliCommand {}
