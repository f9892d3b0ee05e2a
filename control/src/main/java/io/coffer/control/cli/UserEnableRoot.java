package io.coffer.control.cli;

import io.coffer.proto.v1.EnableRootRequest;
import io.coffer.proto.v1.EnableRootResponse;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code coffer user enable-root INSTANCE}. */
@Command(
    name = "enable-root",
    description = {
      "Enable the datastore's superuser for remote use and print the credentials (Trove's root enable). "
          + "Running it again sets a new password.",
      "The password comes from --password-file, --password-stdin or --password; without any of them a "
          + "random one (32 characters) is generated here and printed. Neither the control nor the agent "
          + "keeps it."
    })
final class UserEnableRoot extends MutatingCommand {
  private static final SecureRandom RANDOM = new SecureRandom();

  @Parameters(index = "0", paramLabel = "INSTANCE", description = "Instance id.")
  String instanceId;

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  PasswordOptions password;

  private boolean generated;

  @Override
  int run(ControlClient client) {
    String secret;
    if (password == null) {
      secret = generate();
      generated = true;
    } else {
      secret = PasswordOptions.read(password, cli().stdin(), "Password for the superuser");
    }
    EnableRootResponse response =
        client
            .users()
            .enableRoot(
                EnableRootRequest.newBuilder()
                    .setInstanceId(instanceId)
                    .setOptions(options(client))
                    .setPassword(secret)
                    .build());
    if (output().json()) {
      output().json(response);
      return ExitCodes.OK;
    }
    String commandId = response.getCommandId().isEmpty() ? commandId() : response.getCommandId();
    output().line("Enabled root on " + instanceId + " (command-id " + commandId + "):");
    output()
        .fields(
            List.of(
                new String[] {"  user", response.getCredentials().getName()},
                new String[] {"  password", generated ? secret : "(the one given)"}));
    return ExitCodes.OK;
  }

  /**
   * A generated password was never seen when the call failed, so a retry under the same id could
   * not tell it: the hint then is to run the command again (a new password), not to retry it.
   */
  @Override
  String commandIdOrNull() {
    return generated ? null : super.commandIdOrNull();
  }

  private static String generate() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
