package io.coffer.control.cli;

import io.coffer.proto.v1.EnableRootRequest;
import io.coffer.proto.v1.EnableRootResponse;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code coffer user enable-root INSTANCE}. */
@Command(name = "enable-root",
    description = "Enable the datastore's superuser for remote use with a fresh generated password, and print "
        + "the credentials (Trove's root enable). Running it again generates a new password.")
final class UserEnableRoot extends MutatingCommand {

  @Parameters(index = "0", paramLabel = "INSTANCE", description = "Instance id.")
  String instanceId;

  @Override
  int run(ControlClient client) {
    EnableRootResponse response = client.users().enableRoot(EnableRootRequest.newBuilder()
        .setInstanceId(instanceId).setOptions(options(client)).build());
    if (output().json()) {
      output().json(response);
      return ExitCodes.OK;
    }
    String commandId = response.getCommandId().isEmpty() ? commandId() : response.getCommandId();
    output().line("Enabled root on " + instanceId + " (command-id " + commandId + "):");
    output().fields(List.of(
        new String[] {"  user", response.getCredentials().getName()},
        new String[] {"  password", response.getCredentials().getPassword()}));
    return ExitCodes.OK;
  }
}
