package io.coffer.control.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes the control's key files: mode 0600 from the start, and atomically (never half a key). */
public final class KeyFiles {
  private KeyFiles() {}

  public static void writeSecret(Path file, byte[] bytes) throws IOException {
    Path temp = Files.createTempFile(file.getParent(), ".key", ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(temp, bytes);
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
  }
}
