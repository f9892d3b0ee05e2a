package io.coffer.plugin.postgresql.replication;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The name of a standby's physical replication slot on its source: {@code coffer_} and the instance
 * id with {@code -} as {@code _} (slot names take lower-case letters, digits and underscores, at
 * most 63 of them: <a
 * href="https://www.postgresql.org/docs/15/warm-standby.html#STREAMING-REPLICATION-SLOTS-MANIPULATION">Querying
 * and Manipulating Replication Slots</a>); a longer id is replaced by a hash of it.
 */
final class SlotName {
  private static final int MAX = 63;
  private static final String PREFIX = "coffer_";

  private SlotName() {}

  /** A LIKE pattern matching every slot name {@link #of} makes (the underscore escaped). */
  static String likePattern() {
    return "coffer\\_%";
  }

  static String of(String instanceId) {
    String name = PREFIX + instanceId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    if (name.length() <= MAX) {
      return name;
    }
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(instanceId.getBytes(StandardCharsets.UTF_8));
      return PREFIX + HexFormat.of().formatHex(hash).substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }
}
