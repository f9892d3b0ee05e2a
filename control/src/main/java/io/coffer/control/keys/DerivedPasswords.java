package io.coffer.control.keys;

import com.google.crypto.tink.prf.PrfSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * The passwords of the accounts the control's workflows prepare, derived and never stored:
 * HMAC-SHA256 (a Tink PRF) of what the account is for, under a control key, {@code
 * replication-key.tink} in the control's state directory (mode 0600, created on first use). The
 * control holds no such password at rest, only this key: a journaled workflow or command that is
 * resumed after a restart derives the same password again.
 *
 * <p>The replication account's password is derived from its source's instance id. Why not a fresh
 * one per workflow: every workflow that attaches a replica prepares its source's account again
 * (create, switchover, failover, rejoin, repair). With a fresh password each time, the replicas
 * attached before kept the old one and were locked out at their next reconnect (after a source
 * restart or a network cut). The same source now always gets the same password.
 *
 * <p>The cluster account's password is derived from the id of the workflow that prepares it on
 * every node (create, grow, shrink), so each workflow sets a new one everywhere.
 */
public final class DerivedPasswords {
  static final String FILE = "replication-key.tink";
  private static final int BYTES = 24;
  private final PrfSet prf;

  private DerivedPasswords(PrfSet prf) {
    this.prf = prf;
  }

  /** Loads the key from {@code stateDir}, creating it when absent. */
  public static DerivedPasswords open(Path stateDir) throws IOException {
    return new DerivedPasswords(KeyFiles.prf(stateDir.resolve(FILE)));
  }

  /**
   * The password of {@code sourceInstanceId}'s replication account: 24 bytes, URL-safe base64 (32
   * characters).
   */
  public String replication(String sourceInstanceId) {
    return derive("coffer-replication\0" + sourceInstanceId);
  }

  /**
   * The cluster account's password in the cluster workflow {@code workflowId} (32 characters, as
   * above).
   */
  public String cluster(String workflowId) {
    return derive("coffer-cluster\0" + workflowId);
  }

  private String derive(String purpose) {
    try {
      byte[] out = prf.computePrimary(purpose.getBytes(StandardCharsets.UTF_8), BYTES);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the password key cannot derive a password", e);
    }
  }
}
