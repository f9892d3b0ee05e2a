package io.coffer.control.cli;

import picocli.CommandLine.Command;

/** {@code coffer enroll}: one-time tokens that agents trade for their certificate. */
@Command(
    name = "enroll",
    description = {
      "One-time enrollment tokens: an agent started with a token (instead of a certificate) sends",
      "the control a certification request for a key it made itself and gets its certificate;",
      "the token is then spent. The control keeps only each token's SHA-256."
    },
    subcommands = {EnrollCreate.class, EnrollList.class, EnrollRevoke.class})
final class EnrollCommand extends CliCommand {}
