package io.coffer.control.cli;

import io.coffer.proto.v1.Revocation;
import io.coffer.proto.v1.RevokeCertificateRequest;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code coffer certs revoke (--instance ID | --serial HEX) [--reason TEXT]}. */
@Command(
    name = "revoke",
    description = {
      "Revoke an agent's certificate on the control: its live connection is closed at once and",
      "every later connection with it is refused, also after a control restart. Issue the",
      "instance a new certificate ('coffer certs issue') to let its agent back in."
    })
final class CertsRevoke extends ClientCommand {

  @ArgGroup(exclusive = true, multiplicity = "1")
  Which which;

  static final class Which {
    @Option(
        names = "--instance",
        paramLabel = "INSTANCE",
        description = "The certificate the instance's agent connected with last.")
    String instanceId;

    @Option(
        names = "--serial",
        paramLabel = "HEX",
        description =
            "The certificate's serial number in hex (as 'coffer instance show' prints it).")
    String serial;
  }

  @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the record.")
  String reason = "";

  @Override
  int run(ControlClient client) {
    RevokeCertificateRequest.Builder request =
        RevokeCertificateRequest.newBuilder().setReason(reason);
    if (which.instanceId != null) {
      request.setInstanceId(which.instanceId);
    } else {
      request.setSerial(which.serial);
    }
    Revocation r = client.certificates().revokeCertificate(request.build());
    if (output().json()) {
      output().json(r);
      return ExitCodes.OK;
    }
    output()
        .line(
            "Revoked certificate "
                + r.getSerial()
                + (r.getInstanceId().isEmpty() ? "" : " of instance " + r.getInstanceId())
                + " at "
                + Output.time(r.getRevokedAt()));
    return ExitCodes.OK;
  }
}
