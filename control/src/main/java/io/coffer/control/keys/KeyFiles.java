package io.coffer.control.keys;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeyTemplates;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.prf.PrfConfig;
import com.google.crypto.tink.prf.PrfSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;

/** The control's key files: mode 0600 from the start, written atomically (never half a key). */
public final class KeyFiles {
  private KeyFiles() {}

  /**
   * The serialized Tink keyset in {@code file}, generated from {@code template} and written (mode
   * 0600) when the file does not exist yet.
   */
  public static byte[] readOrCreateKeyset(Path file, String template)
      throws IOException, GeneralSecurityException {
    if (!Files.exists(file)) {
      Files.createDirectories(file.toAbsolutePath().getParent());
      writeSecret(
          file,
          TinkProtoKeysetFormat.serializeKeyset(
              KeysetHandle.generateNew(KeyTemplates.get(template)), InsecureSecretKeyAccess.get()));
    }
    return Files.readAllBytes(file);
  }

  /** An HMAC-SHA256 PRF keyed by {@code file}, created when absent. */
  public static PrfSet prf(Path file) throws IOException {
    try {
      PrfConfig.register();
      return keyset(file, "HMAC_SHA256_PRF").getPrimitive(PrfSet.class);
    } catch (GeneralSecurityException e) {
      throw new IOException(file + " is not a Tink PRF keyset: " + e.getMessage(), e);
    }
  }

  /** An AES-256-GCM AEAD keyed by {@code file}, created when absent. */
  public static Aead aead(Path file) throws IOException {
    try {
      AeadConfig.register();
      return keyset(file, "AES256_GCM").getPrimitive(Aead.class);
    } catch (GeneralSecurityException e) {
      throw new IOException(file + " is not a Tink AEAD keyset: " + e.getMessage(), e);
    }
  }

  private static KeysetHandle keyset(Path file, String template)
      throws IOException, GeneralSecurityException {
    return TinkProtoKeysetFormat.parseKeyset(
        readOrCreateKeyset(file, template), InsecureSecretKeyAccess.get());
  }

  public static void writeSecret(Path file, byte[] bytes) throws IOException {
    Path temp =
        Files.createTempFile(
            file.getParent(),
            ".key",
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(temp, bytes);
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
  }
}
