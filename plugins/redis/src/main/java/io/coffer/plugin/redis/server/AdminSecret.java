package io.coffer.plugin.redis.server;

import io.coffer.spi.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The password of the agent's admin user, {@value #ADMIN_USER}. Redis has no peer authentication,
 * so the agent keeps a random password in a file only it can read (0600, in the run directory); the
 * ACL file holds only its SHA-256 ({@code #<hash>}, see <a
 * href="https://redis.io/docs/latest/operate/oss_and_stack/management/security/acl/">ACL</a>).
 */
public final class AdminSecret {
  public static final String ADMIN_USER = "coffer_admin";
  private static final SecureRandom RANDOM = new SecureRandom();

  private AdminSecret() {}

  /** Reads the password, creating it when the file is missing. */
  public static Secret ensure(Path file) throws IOException {
    if (Files.isRegularFile(file)) {
      return Secret.of(Files.readString(file, StandardCharsets.US_ASCII).trim());
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

  /** The hex SHA-256 that an ACL rule {@code #<hash>} names. */
  public static String sha256(Secret password) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(password.reveal().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
