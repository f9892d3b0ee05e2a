package io.coffer.control.workflow;

import java.security.SecureRandom;
import java.util.Base64;

/** Fresh passwords for the accounts a workflow prepares (replication, cluster); kept only while it runs. */
public final class WorkflowSecrets {
  private static final SecureRandom RANDOM = new SecureRandom();

  private WorkflowSecrets() {}

  /** 24 random bytes, URL-safe base64 (32 characters). */
  public static String newPassword() {
    byte[] b = new byte[24];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
