package io.coffer.control.cli;

import io.coffer.control.ca.CertificateAuthority;
import io.coffer.control.ca.CofferHome;
import io.coffer.control.ca.IssuedCertificate;
import io.coffer.control.security.Identity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code coffer certs issue}: an agent or a client certificate from the development CA. */
@Command(
    name = "issue",
    description = {
      "Issue a certificate from the development CA in HOME/ca:",
      "  --instance ID  agent certificate coffer://instance/ID,",
      "                 written to HOME/agents/ID.pem and ID.key",
      "  --client NAME  client certificate coffer://client/NAME,",
      "                 written to HOME/clients/NAME.pem and NAME.key",
      "Existing files are not replaced unless --force is given."
    })
final class CertsIssue extends CliCommand implements Callable<Integer> {

  static final class Subject {
    @Option(
        names = "--instance",
        paramLabel = "ID",
        required = true,
        description = "Issue an agent certificate for instance ID.")
    String instance;

    @Option(
        names = "--client",
        paramLabel = "NAME",
        required = true,
        description = "Issue a northbound client certificate for NAME.")
    String client;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Subject subject;

  @Option(
      names = "--days",
      paramLabel = "N",
      defaultValue = "90",
      description = "Validity in days (default ${DEFAULT-VALUE}).")
  int days;

  @Option(
      names = "--out-dir",
      paramLabel = "DIR",
      description = "Write NAME.pem and NAME.key to DIR instead of HOME/agents or HOME/clients.")
  Path outDir;

  @Option(names = "--force", description = "Replace existing certificate and key files.")
  boolean force;

  @Override
  public Integer call() {
    CofferHome home = cli().home();
    boolean agent = subject.instance != null;
    String name = agent ? subject.instance : subject.client;
    Identity identity =
        agent ? Identity.agent(name) : Identity.client(name); // validates before any path is built
    if (days < 1) {
      throw new CliException(ExitCodes.USAGE, "--days must be at least 1");
    }
    Path cert;
    Path key;
    if (outDir != null) {
      cert = outDir.toAbsolutePath().resolve(name + ".pem");
      key = outDir.toAbsolutePath().resolve(name + ".key");
    } else {
      cert = agent ? home.agentCert(name) : home.clientCert(name);
      key = agent ? home.agentKey(name) : home.clientKey(name);
    }
    CertificateAuthority ca = load(home);
    if (force) {
      deleteQuietly(cert);
      deleteQuietly(key);
    } else {
      for (Path file : List.of(cert, key)) {
        if (Files.exists(file)) {
          throw new CliException(
              ExitCodes.ALREADY_EXISTS, file + " exists already; use --force to replace it");
        }
      }
    }
    Duration validity = Duration.ofDays(days);
    IssuedCertificate issued =
        agent
            ? ca.issueAgent(name, validity, cert, key)
            : ca.issueClient(name, validity, cert, key);

    if (output().json()) {
      Map<String, Object> result = new LinkedHashMap<>(describe(issued));
      result.put("identity", identity.uri().toString());
      result.put("ca", ca.certificateFile().toString());
      output().jsonValue(result);
    } else {
      output()
          .line("Issued " + (agent ? "agent" : "client") + " certificate " + identity.uri() + ":");
      output()
          .fields(
              List.of(
                  new String[] {"  certificate", issued.certificateChain().toString()},
                  new String[] {"  key", issued.privateKey().toString()},
                  new String[] {"  CA", ca.certificateFile().toString()},
                  new String[] {
                    "  valid until", issued.certificate().getNotAfter().toInstant().toString()
                  }));
    }
    return ExitCodes.OK;
  }

  static CertificateAuthority load(CofferHome home) {
    if (!Files.exists(home.caCert())) {
      throw new CliException(
          ExitCodes.FAILURE, "no CA in " + home.caDir() + "; run 'coffer certs init' first");
    }
    return CertificateAuthority.issuer(home)
        .orElseThrow(
            () ->
                new CliException(
                    ExitCodes.FAILURE,
                    "no issuing key in "
                        + home.caDir()
                        + " (neither issuing.key nor ca.key): issue on the host that keeps it"));
  }

  static Map<String, Object> describe(IssuedCertificate issued) {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("certificate", issued.certificateChain().toString());
    result.put("key", issued.privateKey().toString());
    result.put("subject", issued.certificate().getSubjectX500Principal().getName());
    result.put("serial", issued.certificate().getSerialNumber().toString(16));
    result.put("notAfter", issued.certificate().getNotAfter().toInstant().toString());
    return result;
  }

  static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new CliException(ExitCodes.FAILURE, "cannot remove " + file + ": " + e.getMessage(), e);
    }
  }
}
