package io.coffer.plugin.kit;

import io.coffer.spi.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A random password the agent keeps for its own account on a server without peer authentication: 64
 * hex characters in a file only the agent can read (0600), written beside its place and moved
 * there, so a crash never leaves half a password.
 */
public final class SecretFile {
  private static final SecureRandom RANDOM = new SecureRandom();

  private SecretFile() {}

  /** Reads the password, creating it when the file is missing. */
  public static Secret ensure(Path file) throws IOException {
    if (Files.isRegularFile(file)) {
      return read(file);
    }
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    String password = HexFormat.of().formatHex(bytes);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(
        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, password, StandardCharsets.US_ASCII);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    return Secret.of(password);
  }

  public static Secret read(Path file) throws IOException {
    return Secret.of(Files.readString(file, StandardCharsets.US_ASCII).trim());
  }
}
