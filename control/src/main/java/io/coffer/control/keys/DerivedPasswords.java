package io.coffer.control.replication;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.prf.PrfConfig;
import com.google.crypto.tink.prf.PrfSet;
import io.coffer.control.backup.KeyFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * The replication account's password on each source, derived and never stored: HMAC-SHA256 (a
 * Tink PRF) of the source's instance id under a control key, {@code replication-key.tink} in the
 * control's state directory (mode 0600, created on first use).
 *
 * <p>Why derived rather than fresh per workflow: every workflow that attaches a replica prepares
 * its source's account again (create, switchover, failover, rejoin, repair). With a fresh
 * password each time, the replicas attached before kept the old one and were locked out at their
 * next reconnect (after a source restart or a network cut). The same source now always gets the
 * same password, so they are let in; the control holds no password at rest, only this key.
 */
public final class ReplicationPasswords {
  static final String FILE = "replication-key.tink";
  private static final int BYTES = 24;
  private final PrfSet prf;

  private ReplicationPasswords(PrfSet prf) {
    this.prf = prf;
  }

  /** Loads the key from {@code stateDir}, creating it when absent. */
  public static ReplicationPasswords open(Path stateDir) throws IOException {
    Path file = stateDir.resolve(FILE);
    try {
      PrfConfig.register();
      KeysetHandle keyset = TinkProtoKeysetFormat.parseKeyset(KeyFiles.readOrCreateKeyset(file, "HMAC_SHA256_PRF"),
          InsecureSecretKeyAccess.get());
      return new ReplicationPasswords(keyset.getPrimitive(PrfSet.class));
    } catch (GeneralSecurityException e) {
      throw new IOException(file + " is not a Tink PRF keyset: " + e.getMessage(), e);
    }
  }

  /** The password of {@code sourceInstanceId}'s replication account: 24 bytes, URL-safe base64 (32 characters). */
  public String forSource(String sourceInstanceId) {
    try {
      byte[] out = prf.computePrimary(("coffer-replication\0" + sourceInstanceId).getBytes(StandardCharsets.UTF_8),
          BYTES);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the replication key cannot derive a password", e);
    }
  }
}
