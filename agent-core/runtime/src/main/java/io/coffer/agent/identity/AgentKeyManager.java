package io.coffer.agent.identity;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The agent's client key for TLS, replaceable while the agent runs: each handshake takes the
 * material in use at its start, so connections already open go on with theirs and the next one
 * presents the renewed certificate. Netty does not cache key material from a key manager it did not
 * make (its OpenSSL contexts ask at every handshake), so a swap here is all a reload needs.
 *
 * <p>Each material gets its own alias, and the previous one stays resolvable, so a handshake that
 * chose its alias just before a swap still gets a certificate and a key that belong together.
 */
public final class AgentKeyManager extends X509ExtendedKeyManager {
  private record Entry(String alias, KeyMaterial material) {}

  private volatile Entry current;
  private volatile Entry previous;
  private long generation;

  public AgentKeyManager(KeyMaterial material) {
    this.current = new Entry("agent-0", material);
  }

  /** Presents {@code material} from the next handshake on. */
  public synchronized void use(KeyMaterial material) {
    generation++;
    previous = current;
    current = new Entry("agent-" + generation, material);
  }

  /** The certificate the next handshake presents. */
  public X509Certificate certificate() {
    return current.material().leaf();
  }

  private KeyMaterial lookup(String alias) {
    Entry c = current;
    if (c.alias().equals(alias)) {
      return c.material();
    }
    Entry p = previous;
    return p != null && p.alias().equals(alias) ? p.material() : null;
  }

  // The agent has one identity: it offers it whatever key types and issuers the control lists.

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return current.alias();
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return current.alias();
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return new String[] {current.alias()};
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    KeyMaterial m = lookup(alias);
    return m == null ? null : m.chain().toArray(X509Certificate[]::new);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    KeyMaterial m = lookup(alias);
    return m == null ? null : m.key();
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return null; // a client only
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return null;
  }
}
