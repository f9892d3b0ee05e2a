package io.coffer.plugin.redis.server;

import io.coffer.plugin.kit.SecretFile;
import io.coffer.spi.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The password of the agent's admin user, {@value #ADMIN_USER}. Redis has no peer authentication,
 * so the agent keeps a random password in a file only it can read (0600, in the run directory); the
 * ACL file holds only its SHA-256 ({@code #<hash>}, see <a
 * href="https://redis.io/docs/latest/operate/oss_and_stack/management/security/acl/">ACL</a>).
 */
public final class AdminSecret {
  public static final String ADMIN_USER = "coffer_admin";

  private AdminSecret() {}

  /** Reads the password, creating it when the file is missing. */
  public static Secret ensure(Path file) throws IOException {
    return SecretFile.ensure(file);
  }

  public static Secret read(Path file) throws IOException {
    return SecretFile.read(file);
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
