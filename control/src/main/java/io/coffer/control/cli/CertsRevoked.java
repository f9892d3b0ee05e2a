package io.coffer.control.cli;

import io.coffer.proto.v1.ListRevocationsRequest;
import io.coffer.proto.v1.ListRevocationsResponse;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code coffer certs revoked}. */
@Command(name = "revoked", description = "List the agent certificates the control refuses.")
final class CertsRevoked extends ClientCommand {

  @Override
  int run(ControlClient client) {
    ListRevocationsResponse response =
        client.certificates().listRevocations(ListRevocationsRequest.getDefaultInstance());
    if (output().json()) {
      output().json(response);
      return ExitCodes.OK;
    }
    output()
        .table(
            List.of("SERIAL", "INSTANCE", "REVOKED", "REASON"),
            response.getRevocationsList().stream()
                .map(
                    r ->
                        List.of(
                            r.getSerial(),
                            Output.orDash(r.getInstanceId()),
                            Output.time(r.getRevokedAt()),
                            Output.orDash(r.getReason())))
                .toList());
    return ExitCodes.OK;
  }
}
