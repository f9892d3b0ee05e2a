package io.coffer.control.cli;

import io.coffer.proto.v1.EnrollmentToken;
import io.coffer.proto.v1.RevokeEnrollmentTokenRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code coffer enroll revoke TOKEN_ID}. */
@Command(name = "revoke", description = "Revoke an unused enrollment token.")
final class EnrollRevoke extends ClientCommand {

  @Parameters(index = "0", paramLabel = "TOKEN_ID", description = "The token's id (enr-...).")
  String tokenId;

  @Override
  int run(ControlClient client) {
    EnrollmentToken t =
        client
            .enrollmentTokens()
            .revokeEnrollmentToken(
                RevokeEnrollmentTokenRequest.newBuilder().setTokenId(tokenId).build());
    output()
        .line(
            "Enrollment token "
                + t.getTokenId()
                + " of instance "
                + t.getInstanceId()
                + " is "
                + Output.label(t.getState(), "ENROLLMENT_TOKEN_STATE_"));
    return ExitCodes.OK;
  }
}
