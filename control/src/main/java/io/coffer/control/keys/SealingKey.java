package io.coffer.control.store;

import com.google.crypto.tink.Aead;
import io.coffer.control.keys.KeyFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * Seals what the command journal keeps of a command while it waits for its result: the payload
 * may hold passwords and keys, and must never be on disk in plaintext. AES-256-GCM (Tink AEAD)
 * under the control's {@code journal-key.tink} (mode 0600, created on first use), with the command
 * id as associated data, so a sealed payload cannot be moved to another command's row. The payload
 * is dropped once the result is stored, and the store erases the freed pages (SQLite
 * {@code secure_delete}) and truncates its write-ahead log, so nothing of it outlives the command.
 */
public final class PayloadCipher {
  static final String FILE = "journal-key.tink";
  private final Aead aead;

  private PayloadCipher(Aead aead) {
    this.aead = aead;
  }

  /** The key in {@code stateDir}, created when absent. */
  public static PayloadCipher open(Path stateDir) throws IOException {
    return new PayloadCipher(KeyFiles.aead(stateDir.resolve(FILE)));
  }

  byte[] seal(String commandId, byte[] payload) {
    try {
      return aead.encrypt(payload, associatedData(commandId));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot seal the payload of command " + commandId, e);
    }
  }

  /** @throws GeneralSecurityException when the row was not sealed for this command under this key */
  byte[] open(String commandId, byte[] sealed) throws GeneralSecurityException {
    return aead.decrypt(sealed, associatedData(commandId));
  }

  private static byte[] associatedData(String commandId) {
    return ("coffer-command\0" + commandId).getBytes(StandardCharsets.UTF_8);
  }
}
