package io.coffer.control.cli;

import picocli.CommandLine.Command;

/** {@code coffer certs}: the development certificate authority. */
@Command(
    name = "certs",
    description =
        "Manage the development certificate authority, the certificates it issues, and revocations.",
    subcommands = {
      CertsInit.class,
      CertsIssue.class,
      CertsRotate.class,
      CertsRevoke.class,
      CertsRevoked.class
    })
final class CertsCommand extends CliCommand {}
