package io.coffer.control.backup;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeyTemplates;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** The control's key files: mode 0600 from the start, written atomically (never half a key). */
public final class KeyFiles {
  private KeyFiles() {}

  /**
   * The serialized Tink keyset in {@code file}, generated from {@code template} and written
   * (mode 0600) when the file does not exist yet.
   */
  public static byte[] readOrCreateKeyset(Path file, String template) throws IOException, GeneralSecurityException {
    if (!Files.exists(file)) {
      writeSecret(file, TinkProtoKeysetFormat.serializeKeyset(
          KeysetHandle.generateNew(KeyTemplates.get(template)), InsecureSecretKeyAccess.get()));
    }
    return Files.readAllBytes(file);
  }

  public static void writeSecret(Path file, byte[] bytes) throws IOException {
    Path temp = Files.createTempFile(file.getParent(), ".key", ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(temp, bytes);
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
  }
}
