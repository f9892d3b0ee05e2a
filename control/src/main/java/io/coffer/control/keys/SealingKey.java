package io.coffer.control.keys;

import com.google.crypto.tink.Aead;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * Seals what the control must keep but never in plaintext: a pending command's payload (it may hold
 * passwords and keys), a webhook's signing secret. AES-256-GCM (Tink AEAD) under the control's
 * {@code journal-key.tink} (mode 0600, created on first use), with what the bytes are and whose
 * they are as associated data, so sealed bytes cannot be moved to another row or purpose. Back the
 * key up with the state directory.
 */
public final class SealingKey {
  public static final String FILE = "journal-key.tink";
  private final Aead aead;

  private SealingKey(Aead aead) {
    this.aead = aead;
  }

  /** The key in {@code stateDir}, created when absent. */
  public static SealingKey open(Path stateDir) throws IOException {
    return new SealingKey(KeyFiles.aead(stateDir.resolve(FILE)));
  }

  /**
   * @param purpose what the bytes are, e.g. {@code command}
   * @param owner whose they are, e.g. the command id
   */
  public byte[] seal(String purpose, String owner, byte[] plaintext) {
    try {
      return aead.encrypt(plaintext, associatedData(purpose, owner));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot seal the " + purpose + " of " + owner, e);
    }
  }

  /**
   * @throws GeneralSecurityException when the bytes were not sealed for this purpose and owner
   *     under this key
   */
  public byte[] open(String purpose, String owner, byte[] sealed) throws GeneralSecurityException {
    return aead.decrypt(sealed, associatedData(purpose, owner));
  }

  private static byte[] associatedData(String purpose, String owner) {
    return ("coffer-" + purpose + "\0" + owner).getBytes(StandardCharsets.UTF_8);
  }
}
