package io.coffer.control.backup;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.protobuf.ByteString;
import io.coffer.control.keys.KeyFiles;
import io.coffer.proto.v1.WrappingKey;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * The master key that wraps every backup's data key: a Tink AES256_GCM keyset created on first use
 * in the control's state directory ({@code backup-master-key.tink}, mode 0600) and sent to an agent
 * only inside a backup or restore command (over mutual TLS; agents never store it). Lose this file
 * and every backup is unreadable: back it up apart from the backups.
 *
 * <p>The key id is {@code mk-} and the keyset's primary key id in hex; it is recorded in each
 * manifest so a restore can tell a wrong key from a corrupt backup.
 */
public final class MasterKeyStore {
  private static final String FILE = "backup-master-key.tink";
  private final WrappingKey key;

  private MasterKeyStore(WrappingKey key) {
    this.key = key;
  }

  /** Loads the key from {@code stateDir}, creating it when absent. */
  public static MasterKeyStore open(Path stateDir) throws IOException {
    Path file = stateDir.resolve(FILE);
    try {
      AeadConfig.register();
      byte[] bytes = KeyFiles.readOrCreateKeyset(file, "AES256_GCM");
      KeysetHandle keyset = TinkProtoKeysetFormat.parseKeyset(bytes, InsecureSecretKeyAccess.get());
      String id = "mk-" + String.format("%08x", keyset.getPrimary().getId());
      return new MasterKeyStore(
          WrappingKey.newBuilder().setKeyId(id).setKeyset(ByteString.copyFrom(bytes)).build());
    } catch (GeneralSecurityException e) {
      throw new IOException(file + " is not a Tink keyset: " + e.getMessage(), e);
    }
  }

  /** The key as commands carry it. */
  public WrappingKey wrappingKey() {
    return key;
  }

  public String keyId() {
    return key.getKeyId();
  }
}
