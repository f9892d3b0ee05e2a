package io.coffer.agent.backup;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import io.coffer.agent.crypto.StreamKeys;
import io.coffer.agent.storage.BackupIntegrityException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * Per-backup data keys: a fresh Tink StreamingAead keyset ({@link StreamKeys}: AES-256-GCM-HKDF, 16
 * KiB segments, so memory per stream is one segment), stored only wrapped by the master key. The
 * backup id is the associated data of both the wrapping and the stream, so neither a key nor a data
 * object can be swapped between backups without failing authentication.
 */
final class DataKeys {
  static final String SCHEME = StreamKeys.SCHEME;

  static {
    try {
      AeadConfig.register();
      StreamingAeadConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private DataKeys() {}

  static KeysetHandle generate() throws GeneralSecurityException {
    return StreamKeys.generate();
  }

  static byte[] wrap(KeysetHandle keyset, MasterKey master, String backupId)
      throws GeneralSecurityException {
    return TinkProtoKeysetFormat.serializeEncryptedKeyset(keyset, master.aead(), ad(backupId));
  }

  /**
   * @throws BackupIntegrityException when the master key is wrong or the wrapped key was altered
   */
  static StreamingAead unwrap(byte[] wrapped, MasterKey master, String backupId)
      throws BackupIntegrityException {
    try {
      return TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped, master.aead(), ad(backupId))
          .getPrimitive(StreamingAead.class);
    } catch (GeneralSecurityException e) {
      throw new BackupIntegrityException(
          "cannot unwrap the data key of backup "
              + backupId
              + " with master key "
              + master.keyId()
              + ": wrong master key or the wrapped key was altered",
          e);
    }
  }

  static byte[] ad(String backupId) {
    return ("coffer-backup:" + backupId).getBytes(StandardCharsets.UTF_8);
  }
}
