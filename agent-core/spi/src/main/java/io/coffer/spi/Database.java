package io.coffer.spi;

import java.util.Objects;

/**
 * A database (schema).
 *
 * @param name engine-validated name
 * @param characterSet character set, or empty for the server default
 * @param collation collation, or empty for the character set's default
 */
public record Database(String name, String characterSet, String collation) {
  public Database {
    Objects.requireNonNull(name, "name");
    characterSet = characterSet == null ? "" : characterSet;
    collation = collation == null ? "" : collation;
  }

  public static Database named(String name) {
    return new Database(name, "", "");
  }
}
