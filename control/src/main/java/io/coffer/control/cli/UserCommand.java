package io.coffer.control.cli;

import picocli.CommandLine.Command;

/** {@code coffer user}: datastore users (accounts) on an instance. */
@Command(
    name = "user",
    description = "Manage the users (accounts) of an instance's datastore.",
    subcommands = {
      UserCreate.class,
      UserList.class,
      UserDelete.class,
      UserGrant.class,
      UserRevoke.class,
      UserPassword.class,
      UserEnableRoot.class
    })
final class UserCommand extends CliCommand {}
