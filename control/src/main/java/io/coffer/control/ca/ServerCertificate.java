package io.coffer.control.ca;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * The control's server certificate, reloaded when its files change ({@code coffer certs rotate
 * --server}) without a restart: a key manager both listeners hand every handshake to, so
 * connections already open keep theirs and new ones get the new certificate. The files are checked
 * every {@code period}; a certificate and key that do not belong together (a rotation half done)
 * are left for the next check.
 */
public final class ServerCertificate extends X509ExtendedKeyManager implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServerCertificate.class);

  private record Material(
      String alias, X509Certificate[] chain, PrivateKey key, FileTime certTime, FileTime keyTime) {}

  private final Path certFile;
  private final Path keyFile;
  private volatile Material current;
  private volatile Material previous;
  private int generation;
  private Disposable watch;

  private ServerCertificate(Path certFile, Path keyFile) throws IOException {
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.current = read("control-0");
  }

  /**
   * Loads the certificate and key and checks them every {@code period} for a replacement.
   *
   * @throws IOException when the files are missing, unreadable or do not belong together
   */
  public static ServerCertificate watch(Path certFile, Path keyFile, Duration period)
      throws IOException {
    ServerCertificate c = new ServerCertificate(certFile, keyFile);
    c.watch =
        Flux.interval(period, period, Schedulers.boundedElastic())
            .subscribe(i -> c.reloadIfChanged(), e -> log.error("certificate watch stopped", e));
    return c;
  }

  /** The certificate new connections get. */
  public X509Certificate certificate() {
    return current.chain()[0];
  }

  private Material read(String alias) throws IOException {
    for (Path p : List.of(certFile, keyFile)) {
      if (!Files.isReadable(p)) {
        throw new IOException(p + " is missing or unreadable; run `coffer certs init` first");
      }
    }
    FileTime certTime = Files.getLastModifiedTime(certFile);
    FileTime keyTime = Files.getLastModifiedTime(keyFile);
    List<X509Certificate> chain;
    PrivateKey key;
    try {
      chain = Pem.readCertificates(certFile);
      key = Pem.readPrivateKey(keyFile);
    } catch (CertificateAuthorityException e) {
      throw new IOException(e.getMessage(), e);
    }
    if (!CertificateAuthority.matches(key, chain.get(0).getPublicKey())) {
      throw new IOException("the key " + keyFile + " does not belong to " + certFile);
    }
    return new Material(alias, chain.toArray(X509Certificate[]::new), key, certTime, keyTime);
  }

  synchronized void reloadIfChanged() {
    Material m = current;
    try {
      if (Objects.equals(Files.getLastModifiedTime(certFile), m.certTime())
          && Objects.equals(Files.getLastModifiedTime(keyFile), m.keyTime())) {
        return;
      }
      Material next = read("control-" + (generation + 1));
      if (next.chain()[0].equals(m.chain()[0])) {
        current = new Material(m.alias(), m.chain(), m.key(), next.certTime(), next.keyTime());
        return;
      }
      generation++;
      previous = m;
      current = next;
      log.info(
          "reloaded the control's certificate {}: {} until {} (was {}); new connections get it",
          certFile,
          next.chain()[0].getSerialNumber().toString(16),
          next.chain()[0].getNotAfter().toInstant(),
          m.chain()[0].getSerialNumber().toString(16));
    } catch (IOException e) {
      log.debug("not reloading the control's certificate yet: {}", e.getMessage());
    }
  }

  private Material lookup(String alias) {
    Material c = current;
    if (c.alias().equals(alias)) {
      return c;
    }
    Material p = previous;
    return p != null && p.alias().equals(alias) ? p : null;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return current.alias();
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return current.alias();
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return new String[] {current.alias()};
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    Material m = lookup(alias);
    return m == null ? null : m.chain().clone();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    Material m = lookup(alias);
    return m == null ? null : m.key();
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null; // a server only
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return null;
  }

  @Override
  public void close() {
    if (watch != null) {
      watch.dispose();
    }
  }
}
