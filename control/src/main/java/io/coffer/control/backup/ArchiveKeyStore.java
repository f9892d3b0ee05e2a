package io.coffer.control.backup;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.hybrid.HybridConfig;
import com.google.protobuf.ByteString;
import io.coffer.control.keys.KeyFiles;
import io.coffer.proto.v1.ArchiveKey;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * The key pair of the log archives: a Tink hybrid keyset (HPKE: X25519, HKDF-SHA256, AES-256-GCM)
 * created on first use in the control's state directory ({@value #FILE}, mode 0600). Agents get the
 * public half when they connect and encrypt their archived log with it at any time; the private
 * half goes to an agent only inside a point-in-time restore. Lose this file and no archived log can
 * be read: back it up with the master key.
 *
 * <p>The key id is {@code ak-} and the keyset's primary key id in hex.
 */
public final class ArchiveKeyStore {
  static final String FILE = "log-archive-key.tink";
  private static final String TEMPLATE = "DHKEM_X25519_HKDF_SHA256_HKDF_SHA256_AES_256_GCM";
  private final ArchiveKey publicKey;
  private final ArchiveKey privateKey;

  private ArchiveKeyStore(ArchiveKey publicKey, ArchiveKey privateKey) {
    this.publicKey = publicKey;
    this.privateKey = privateKey;
  }

  /** Loads the key pair from {@code stateDir}, creating it when absent. */
  public static ArchiveKeyStore open(Path stateDir) throws IOException {
    Path file = stateDir.resolve(FILE);
    try {
      HybridConfig.register();
      byte[] bytes = KeyFiles.readOrCreateKeyset(file, TEMPLATE);
      KeysetHandle keyset = TinkProtoKeysetFormat.parseKeyset(bytes, InsecureSecretKeyAccess.get());
      String id = "ak-" + String.format("%08x", keyset.getPrimary().getId());
      byte[] pub =
          TinkProtoKeysetFormat.serializeKeysetWithoutSecret(keyset.getPublicKeysetHandle());
      return new ArchiveKeyStore(
          ArchiveKey.newBuilder().setKeyId(id).setKeyset(ByteString.copyFrom(pub)).build(),
          ArchiveKey.newBuilder().setKeyId(id).setKeyset(ByteString.copyFrom(bytes)).build());
    } catch (GeneralSecurityException e) {
      throw new IOException(file + " is not a Tink hybrid keyset: " + e.getMessage(), e);
    }
  }

  /** What Welcome carries. */
  public ArchiveKey publicKey() {
    return publicKey;
  }

  /** What a point-in-time RestoreBackup carries. */
  public ArchiveKey privateKey() {
    return privateKey;
  }
}
