package io.coffer.control.ca;

import java.nio.file.Path;

/**
 * Where Coffer keeps its files on a machine ({@code $COFFER_HOME}, default {@code ~/.coffer}):
 *
 * <pre>
 * ca/ca.pem, ca/ca.key                 the root CA: ca.pem is the trust anchor; ca.key can go offline
 * ca/issuing.pem, issuing.key          the issuing CA, signed by the root, that signs every leaf
 * control/control.pem, control.key     the control's server certificate (localhost, 127.0.0.1)
 * clients/NAME.pem, NAME.key           northbound client identities (coffer://client/NAME)
 * agents/ID.pem, ID.key                agent identities (coffer://instance/ID)
 * state/                               the control's embedded state store
 * </pre>
 *
 * Certificate files hold the chain (leaf first); key files are PKCS#8 PEM, mode 0600.
 */
public record CofferHome(Path root) {

  /** {@code $COFFER_HOME}, or {@code ~/.coffer}. */
  public static CofferHome fromEnvironment() {
    String env = System.getenv("COFFER_HOME");
    if (env != null && !env.isBlank()) {
      return new CofferHome(Path.of(env).toAbsolutePath());
    }
    return new CofferHome(Path.of(System.getProperty("user.home"), ".coffer"));
  }

  public Path caDir() {
    return root.resolve("ca");
  }

  public Path caCert() {
    return caDir().resolve("ca.pem");
  }

  public Path caKey() {
    return caDir().resolve("ca.key");
  }

  public Path issuingCert() {
    return caDir().resolve("issuing.pem");
  }

  public Path issuingKey() {
    return caDir().resolve("issuing.key");
  }

  public Path controlCert() {
    return root.resolve("control/control.pem");
  }

  public Path controlKey() {
    return root.resolve("control/control.key");
  }

  public Path clientCert(String name) {
    return root.resolve("clients/" + name + ".pem");
  }

  public Path clientKey(String name) {
    return root.resolve("clients/" + name + ".key");
  }

  public Path agentCert(String instanceId) {
    return root.resolve("agents/" + instanceId + ".pem");
  }

  public Path agentKey(String instanceId) {
    return root.resolve("agents/" + instanceId + ".key");
  }

  public Path stateDir() {
    return root.resolve("state");
  }
}
