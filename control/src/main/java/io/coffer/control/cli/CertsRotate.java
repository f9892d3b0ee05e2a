package io.coffer.control.cli;

import io.coffer.control.ca.CertificateAuthority;
import io.coffer.control.ca.CofferHome;
import io.coffer.control.ca.IssuedCertificate;
import io.coffer.control.ca.Pem;
import io.coffer.control.security.Identity;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code coffer certs rotate}: replaces the control's server certificate or a client certificate
 * with a new key and certificate from the issuing CA, keeping the names of the one it replaces.
 */
@Command(
    name = "rotate",
    description = {
      "Replace a certificate and its key with new ones from the issuing CA, keeping its names:",
      "  --server       the control's server certificate (HOME/control/control.pem); a running",
      "                 control picks it up within 2 s: new connections get it, open ones keep",
      "                 theirs",
      "  --client NAME  a client certificate (HOME/clients/NAME.pem), used from the next call on",
      "The new key is written in full before it replaces the old one (mode 0600), then the",
      "certificate; a control never loads a certificate and a key that do not belong together."
    })
final class CertsRotate extends CliCommand implements Callable<Integer> {

  static final class Subject {
    @Option(
        names = "--server",
        required = true,
        description = "Rotate the control's server certificate.")
    boolean control;

    @Option(
        names = "--client",
        paramLabel = "NAME",
        required = true,
        description = "Rotate the client certificate of NAME.")
    String client;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Subject subject;

  @Option(
      names = "--days",
      paramLabel = "N",
      defaultValue = "90",
      description = "Validity of the new certificate in days (default ${DEFAULT-VALUE}).")
  int days;

  @Override
  public Integer call() {
    CofferHome home = cli().home();
    if (days < 1) {
      throw new CliException(ExitCodes.USAGE, "--days must be at least 1");
    }
    boolean control = subject.control;
    String name = control ? null : subject.client;
    if (!control) {
      Identity.client(name); // validates the name before any path is built
    }
    Path cert = control ? home.controlCert() : home.clientCert(name);
    Path key = control ? home.controlKey() : home.clientKey(name);
    if (!Files.exists(cert)) {
      throw new CliException(
          ExitCodes.NOT_FOUND,
          "no certificate to rotate at " + cert + " (coffer certs init or coffer certs issue)");
    }
    X509Certificate old = Pem.readCertificates(cert).get(0);
    CertificateAuthority ca = CertsIssue.load(home);
    Path certNext = cert.resolveSibling(cert.getFileName() + ".next");
    Path keyNext = key.resolveSibling(key.getFileName() + ".next");
    CertsIssue.deleteQuietly(certNext);
    CertsIssue.deleteQuietly(keyNext);
    Duration validity = Duration.ofDays(days);
    IssuedCertificate issued;
    if (control) {
      Names names = names(old);
      issued =
          ca.issueServer(names.commonName(), names.dns(), names.ips(), validity, certNext, keyNext);
    } else {
      issued = ca.issueClient(name, validity, certNext, keyNext);
    }
    try {
      // key first: a control that looks between the two moves sees a pair that does not match
      // and waits for the next check
      Files.move(keyNext, key, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      Files.move(
          certNext, cert, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new CliException(ExitCodes.FAILURE, "cannot put the new files in place: " + e, e);
    }
    String what =
        control ? "the control's certificate" : "the certificate of client '" + name + "'";
    if (output().json()) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("certificate", cert.toString());
      result.put("key", key.toString());
      result.put("serial", issued.certificate().getSerialNumber().toString(16));
      result.put("previousSerial", old.getSerialNumber().toString(16));
      result.put("notAfter", issued.certificate().getNotAfter().toInstant().toString());
      output().jsonValue(result);
    } else {
      output().line("Rotated " + what + ":");
      output()
          .fields(
              List.of(
                  new String[] {"  certificate", cert.toString()},
                  new String[] {"  key", key.toString()},
                  new String[] {
                    "  serial",
                    issued.certificate().getSerialNumber().toString(16)
                        + " (was "
                        + old.getSerialNumber().toString(16)
                        + ")"
                  },
                  new String[] {
                    "  valid until", issued.certificate().getNotAfter().toInstant().toString()
                  }));
      if (control) {
        output().line("A running control serves it to new connections within 2 s.");
      }
    }
    return ExitCodes.OK;
  }

  private record Names(String commonName, List<String> dns, List<String> ips) {}

  /** The common name and the DNS and IP subject alternative names of {@code cert}. */
  private static Names names(X509Certificate cert) {
    String cn = CertsInit.CONTROL_COMMON_NAME;
    try {
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          cn = String.valueOf(rdn.getValue());
        }
      }
    } catch (InvalidNameException e) {
      // keep the default name
    }
    List<String> dns = new ArrayList<>();
    List<String> ips = new ArrayList<>();
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          int type = (Integer) san.get(0);
          String value = String.valueOf(san.get(1));
          if (type == 2) {
            dns.add(value);
          } else if (type == 7) {
            ips.add(InetAddress.getByName(value).getHostAddress());
          }
        }
      }
    } catch (CertificateParsingException | IOException e) {
      throw new CliException(
          ExitCodes.FAILURE, "cannot read the names of the current certificate: " + e.getMessage());
    }
    return new Names(cn, dns, ips);
  }
}
