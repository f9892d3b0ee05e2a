package io.coffer.control.cli;

import io.coffer.control.ca.CertificateAuthority;
import io.coffer.control.ca.CofferHome;
import io.coffer.control.ca.IssuedCertificate;
import io.coffer.control.security.Identity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code coffer certs init}: creates the development CA, the control's server certificate and the
 * first client certificate, all under the Coffer home.
 */
@Command(
    name = "init",
    description = {
      "Create a root CA (HOME/ca/ca.pem, ca.key) and an issuing CA signed by it (HOME/ca/issuing.pem,"
          + " issuing.key), the control's server certificate (HOME/control, "
          + "CN coffer-control for localhost, 127.0.0.1 and ::1, plus --dns/--ip) and a client certificate "
          + "(HOME/clients/NAME, NAME from --client, default admin).",
      "Refuses to replace an existing CA: exits with 4, or with 0 and does nothing given --if-missing."
    })
final class CertsInit extends CliCommand implements Callable<Integer> {

  static final String CONTROL_COMMON_NAME = "coffer-control";

  @Option(
      names = "--dns",
      paramLabel = "NAME",
      split = ",",
      description = "Extra DNS name for the control's certificate (repeatable).")
  List<String> dnsNames = new ArrayList<>();

  @Option(
      names = "--ip",
      paramLabel = "ADDRESS",
      split = ",",
      description = "Extra IP address for the control's certificate (repeatable).")
  List<String> ipAddresses = new ArrayList<>();

  @Option(
      names = "--days",
      paramLabel = "N",
      defaultValue = "90",
      description =
          "Validity of the control and client certificates in days (default ${DEFAULT-VALUE}).")
  int days;

  @Option(
      names = "--client",
      paramLabel = "NAME",
      description = "Name of the client certificate to issue (default admin).")
  String client;

  @Option(
      names = "--if-missing",
      description = "Succeed without doing anything when a CA exists already.")
  boolean ifMissing;

  @Override
  public Integer call() {
    CofferHome home = cli().home();
    String client = this.client != null ? this.client : cli().clientName();
    Identity.client(client); // validates the name before anything is written
    if (days < 1) {
      throw new CliException(ExitCodes.USAGE, "--days must be at least 1");
    }
    // the root key may have been moved offline: a root certificate alone is an existing CA
    if (Files.exists(home.caCert())) {
      if (ifMissing) {
        if (output().json()) {
          output()
              .jsonValue(
                  Map.of("created", false, "ca", Map.of("certificate", home.caCert().toString())));
        } else {
          output().line("A CA exists already at " + home.caDir() + "; nothing to do.");
        }
        return ExitCodes.OK;
      }
      throw new CliException(
          ExitCodes.ALREADY_EXISTS,
          "a CA exists already at "
              + home.caDir()
              + "; nothing changed (use --if-missing to accept it, 'coffer certs issue' to issue more certificates)");
    }
    for (Path stray : List.of(home.caKey(), home.issuingCert(), home.issuingKey())) {
      if (Files.exists(stray)) {
        throw new CliException(
            ExitCodes.FAILURE,
            "incomplete CA in "
                + home.caDir()
                + ": "
                + stray
                + " exists but the root certificate "
                + home.caCert()
                + " is missing; move "
                + home.caDir()
                + " aside and retry");
      }
    }
    for (Path file :
        List.of(
            home.controlCert(),
            home.controlKey(),
            home.clientCert(client),
            home.clientKey(client))) {
      if (Files.exists(file)) {
        throw new CliException(
            ExitCodes.ALREADY_EXISTS,
            file
                + " exists but there is no CA in "
                + home.caDir()
                + "; move the old certificates aside and retry");
      }
    }

    List<String> dns = new ArrayList<>(List.of("localhost"));
    dnsNames.stream().filter(d -> !dns.contains(d)).forEach(dns::add);
    List<String> ips = new ArrayList<>(List.of("127.0.0.1", "::1"));
    ipAddresses.stream().filter(ip -> !ips.contains(ip)).forEach(ips::add);
    Duration validity = Duration.ofDays(days);

    List<Path> written = new ArrayList<>();
    IssuedCertificate control;
    IssuedCertificate admin;
    try {
      CertificateAuthority ca = CertificateAuthority.createHierarchy(home);
      written.addAll(List.of(home.caCert(), home.caKey(), home.issuingCert(), home.issuingKey()));
      control =
          ca.issueServer(
              CONTROL_COMMON_NAME, dns, ips, validity, home.controlCert(), home.controlKey());
      written.addAll(List.of(home.controlCert(), home.controlKey()));
      admin = ca.issueClient(client, validity, home.clientCert(client), home.clientKey(client));
    } catch (RuntimeException e) {
      written.forEach(CertsIssue::deleteQuietly); // all or nothing
      throw e;
    }

    if (output().json()) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("created", true);
      result.put(
          "ca",
          Map.of(
              "certificate",
              home.caCert().toString(),
              "key",
              home.caKey().toString(),
              "issuingCertificate",
              home.issuingCert().toString(),
              "issuingKey",
              home.issuingKey().toString()));
      Map<String, Object> server = new LinkedHashMap<>(CertsIssue.describe(control));
      server.put("dnsNames", dns);
      server.put("ipAddresses", ips);
      result.put("control", server);
      result.put("client", CertsIssue.describe(admin));
      output().jsonValue(result);
    } else {
      output().line("Created the Coffer development CA in " + home.root() + ":");
      output()
          .fields(
              List.of(
                  new String[] {
                    "  root CA certificate",
                    home.caCert() + "  (the trust anchor for agents and clients)"
                  },
                  new String[] {
                    "  root CA key", home.caKey() + "  (not needed by the control: move it offline)"
                  },
                  new String[] {"  issuing CA", home.issuingCert().toString()},
                  new String[] {
                    "  issuing CA key",
                    home.issuingKey() + "  (signs every certificate; the control's)"
                  },
                  new String[] {
                    "  control certificate",
                    control.certificateChain()
                        + "  ("
                        + String.join(", ", dns)
                        + ", "
                        + String.join(", ", ips)
                        + ")"
                  },
                  new String[] {"  control key", control.privateKey().toString()},
                  new String[] {
                    "  client '" + client + "'",
                    admin.certificateChain() + ", " + admin.privateKey()
                  },
                  new String[] {
                    "  valid until", admin.certificate().getNotAfter().toInstant().toString()
                  }));
      output().line("Next: coffer control start");
    }
    return ExitCodes.OK;
  }
}
