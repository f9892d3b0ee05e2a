package io.coffer.control.cli;

import io.coffer.proto.v1.CreateEnrollmentTokenRequest;
import io.coffer.proto.v1.EnrollmentToken;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code coffer enroll create --instance ID [--ttl DURATION]}. */
@Command(
    name = "create",
    description = {
      "Create a one-time enrollment token for an instance and print it (only now: the control",
      "keeps its hash). Hand it to the guest, e.g. through cloud-init user data."
    })
final class EnrollCreate extends ClientCommand {

  @Option(
      names = "--instance",
      required = true,
      paramLabel = "INSTANCE",
      description = "The instance the token enrolls.")
  String instanceId;

  @Option(
      names = "--ttl",
      paramLabel = "DURATION",
      converter = CofferCli.DurationConverter.class,
      description = "How long the token may be used, 1m to 7d (default 1h).")
  Duration ttl;

  @Override
  int run(ControlClient client) {
    EnrollmentToken t =
        client
            .enrollmentTokens()
            .createEnrollmentToken(
                CreateEnrollmentTokenRequest.newBuilder()
                    .setInstanceId(instanceId)
                    .setTtlSeconds(
                        ttl == null ? 0 : (int) Math.min(Integer.MAX_VALUE, ttl.toSeconds()))
                    .build());
    if (output().json()) {
      output().json(t);
      return ExitCodes.OK;
    }
    output().line(t.getToken());
    return ExitCodes.OK;
  }
}
