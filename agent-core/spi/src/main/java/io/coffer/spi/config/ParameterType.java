package io.coffer.spi.config;

/** The type of a parameter's value, in the terms the engines use for their settings. */
public enum ParameterType {
  /**
   * on/off; engines accept their own spellings (PostgreSQL: on, off, true, false, yes, no, 1, 0).
   */
  BOOLEAN,
  /**
   * A whole number, optionally followed by a unit the engine accepts (e.g. {@code 64MB}, {@code
   * 30s}).
   */
  INTEGER,
  /** A decimal number, optionally with a unit. */
  REAL,
  /** One of {@link ParameterRule#allowedValues()}. */
  ENUM,
  /** Free text, checked by the engine. */
  STRING
}
