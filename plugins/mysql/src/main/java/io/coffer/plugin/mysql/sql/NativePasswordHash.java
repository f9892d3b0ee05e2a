package io.coffer.plugin.mysql.sql;

import io.coffer.spi.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The {@code mysql_native_password} hash of a password, as MariaDB's {@code PASSWORD()} computes
 * it: {@code *} and the upper-case hex of SHA1(SHA1(password)) (41 characters). The plugin sends
 * only this to the server ({@code IDENTIFIED BY PASSWORD '*...'}), so the password itself never
 * reaches a statement the server writes to its binary log, nor the general or slow query log.
 * Source: <a href="https://mariadb.com/kb/en/authentication-plugin-mysql_native_password/">the
 * mysql_native_password plugin</a> and <a href="https://mariadb.com/kb/en/password/">PASSWORD</a>.
 */
public final class NativePasswordHash {
  private NativePasswordHash() {}

  public static String of(Secret password) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      byte[] once = sha1.digest(password.reveal().getBytes(StandardCharsets.UTF_8));
      return "*" + HexFormat.of().withUpperCase().formatHex(sha1.digest(once));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is part of every JDK", e);
    }
  }
}
