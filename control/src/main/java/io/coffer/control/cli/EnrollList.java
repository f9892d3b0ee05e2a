package io.coffer.control.cli;

import io.coffer.proto.v1.ListEnrollmentTokensRequest;
import io.coffer.proto.v1.ListEnrollmentTokensResponse;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code coffer enroll list}. */
@Command(name = "list", description = "List enrollment tokens (never the tokens themselves).")
final class EnrollList extends ClientCommand {

  @Override
  int run(ControlClient client) {
    ListEnrollmentTokensResponse response =
        client
            .enrollmentTokens()
            .listEnrollmentTokens(ListEnrollmentTokensRequest.getDefaultInstance());
    if (output().json()) {
      output().json(response);
      return ExitCodes.OK;
    }
    output()
        .table(
            List.of("TOKEN-ID", "INSTANCE", "STATE", "EXPIRES", "USED"),
            response.getTokensList().stream()
                .map(
                    t ->
                        List.of(
                            t.getTokenId(),
                            t.getInstanceId(),
                            Output.label(t.getState(), "ENROLLMENT_TOKEN_STATE_"),
                            Output.time(t.getExpiresAt()),
                            Output.time(t.getUsedAt())))
                .toList());
    return ExitCodes.OK;
  }
}
