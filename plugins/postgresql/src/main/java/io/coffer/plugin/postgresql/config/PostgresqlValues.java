package io.coffer.plugin.postgresql.config;

import io.coffer.plugin.kit.UnitNumbers;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How PostgreSQL spells values: units are case-sensitive, memory in B, kB, MB, GB, TB (1024 each)
 * and time in us, ms, s, min, h, d; booleans on, off, true, false, yes, no, 1, 0 in any case (<a
 * href="https://www.postgresql.org/docs/15/config-setting.html#CONFIG-SETTING-NAMES-VALUES">Parameter
 * Names and Values</a>).
 */
final class PostgresqlValues {
  private PostgresqlValues() {}

  private static final double K = 1024;
  static final UnitNumbers NUMBERS =
      new UnitNumbers(
          List.of(
              Map.of("B", 1d, "kB", K, "MB", K * K, "GB", K * K * K, "TB", K * K * K * K),
              Map.of(
                  "us",
                  1d,
                  "ms",
                  1_000d,
                  "s",
                  1_000_000d,
                  "min",
                  60_000_000d,
                  "h",
                  3_600_000_000d,
                  "d",
                  86_400_000_000d)),
          true);

  private static final Set<String> BOOLEANS =
      Set.of("on", "off", "true", "false", "yes", "no", "1", "0");

  static boolean isBoolean(String value) {
    return BOOLEANS.contains(value.trim().toLowerCase(Locale.ROOT));
  }

  /**
   * The value as an escape string constant, which reads the same whatever
   * standard_conforming_strings is (<a
   * href="https://www.postgresql.org/docs/15/sql-syntax-lexical.html#SQL-SYNTAX-STRINGS-ESCAPE">String
   * Constants with C-Style Escapes</a>). The value was checked to hold no control characters.
   */
  static String literal(String value) {
    return "E'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
  }
}
