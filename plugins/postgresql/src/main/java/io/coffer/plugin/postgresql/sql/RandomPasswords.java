package io.coffer.plugin.postgresql.sql;

import java.security.SecureRandom;

/** Random alphanumeric passwords: safe in any client, config file or shell without quoting. */
final class RandomPasswords {

  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private RandomPasswords() {}

  static String alphanumeric(int length) {
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return out.toString();
  }
}
