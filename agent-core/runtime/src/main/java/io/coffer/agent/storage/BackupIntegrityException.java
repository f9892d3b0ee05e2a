package io.coffer.agent.storage;

import java.io.IOException;

/**
 * A stored backup cannot be trusted: its checksum does not match the manifest, an authentication
 * tag failed, or its data key cannot be unwrapped with the given master key. Restore throws it
 * before handing out any plaintext (checksum, key) or, for a tag failure, instead of the segment
 * that failed.
 */
public class BackupIntegrityException extends IOException {
  public BackupIntegrityException(String message) {
    super(message);
  }

  public BackupIntegrityException(String message, Throwable cause) {
    super(message, cause);
  }
}
