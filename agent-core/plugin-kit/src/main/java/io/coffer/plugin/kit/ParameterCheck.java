package io.coffer.plugin.kit;

import io.coffer.spi.DatastoreException;
import io.coffer.spi.config.ConfigurationChange;
import io.coffer.spi.config.ParameterRule;
import io.coffer.spi.config.ParameterType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Checks a configuration change against the engine's rules before anything is applied, so a bad
 * change is refused whole (INVALID_ARGUMENT naming {@code values.<parameter>}) and never half
 * applied. How numbers with units and booleans are spelled is the engine's: the plugin supplies
 * both readers.
 */
public final class ParameterCheck {

  /** Reads an INTEGER or REAL value in the rule's unit; empty when the text is not one. */
  @FunctionalInterface
  public interface NumberReader {
    OptionalDouble read(ParameterRule rule, String text);
  }

  /** Longest value accepted for a STRING parameter; engines' string settings are short. */
  static final int MAX_STRING = 1024;

  private final Map<String, ParameterRule> rules = new TreeMap<>();
  private final NumberReader numbers;
  private final Predicate<String> booleans;

  /**
   * @param booleans whether a text is one of the engine's boolean spellings
   */
  public ParameterCheck(
      Collection<ParameterRule> rules, NumberReader numbers, Predicate<String> booleans) {
    rules.forEach(r -> this.rules.put(r.name(), r));
    this.numbers = numbers;
    this.booleans = booleans;
  }

  /**
   * The rule of a settable parameter. @throws DatastoreException INVALID_ARGUMENT naming {@code
   * field}
   */
  public ParameterRule rule(String field, String name) {
    ParameterRule rule = rules.get(name);
    if (rule == null) {
      throw DatastoreException.invalidArgument(
          field,
          "'"
              + printable(name)
              + "' is not a parameter that can be set on this datastore (see the parameter rules)");
    }
    return rule;
  }

  /** Checks every name (for showing values). */
  public List<ParameterRule> rules(String field, Collection<String> names) {
    List<ParameterRule> out = new ArrayList<>();
    for (String name : names) {
      out.add(rule(field, name));
    }
    return out;
  }

  /**
   * @throws DatastoreException INVALID_ARGUMENT naming the first bad parameter
   */
  public void check(ConfigurationChange change) {
    if (change.isEmpty()) {
      throw DatastoreException.invalidArgument(
          "values", "name at least one parameter to set or reset");
    }
    for (String name : new TreeMap<>(change.values()).keySet()) {
      checkValue(rule("values." + printable(name), name), change.values().get(name));
    }
    for (String name : change.reset()) {
      rule("reset", name);
      if (change.values().containsKey(name)) {
        throw DatastoreException.invalidArgument("reset", "'" + name + "' is both set and reset");
      }
    }
  }

  private void checkValue(ParameterRule rule, String value) {
    String field = "values." + rule.name();
    // an empty text is a value for a string (Redis' notify-keyspace-events "" turns notifications
    // off, MariaDB's sql_mode '' clears every mode); blanks alone, or an empty non-string, are a
    // mistake
    if (value == null
        || (value.isBlank() && !(value.isEmpty() && rule.type() == ParameterType.STRING))) {
      throw DatastoreException.invalidArgument(
          field, "a value is required (reset the parameter to return to its default)");
    }
    if (value.length() > MAX_STRING || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw DatastoreException.invalidArgument(
          field, "must be at most " + MAX_STRING + " printable characters");
    }
    switch (rule.type()) {
      case BOOLEAN -> {
        if (!booleans.test(value)) {
          throw DatastoreException.invalidArgument(
              field, "must be a boolean (on or off), not '" + value + "'");
        }
      }
      case ENUM -> {
        if (rule.allowedValues().stream().noneMatch(v -> v.equalsIgnoreCase(value.trim()))) {
          throw DatastoreException.invalidArgument(
              field, "must be one of " + rule.allowedValues() + ", not '" + value + "'");
        }
      }
      case INTEGER, REAL -> checkNumber(field, rule, value);
      case STRING -> {} // the engine checks the text itself when it applies it
    }
  }

  private void checkNumber(String field, ParameterRule rule, String value) {
    String kind = rule.type().name().toLowerCase(Locale.ROOT);
    String unit = rule.unit().isEmpty() ? "" : " (a bare number is in " + rule.unit() + ")";
    OptionalDouble read = numbers.read(rule, value.trim());
    if (read.isEmpty()) {
      throw DatastoreException.invalidArgument(
          field, "must be an " + kind + unit + ", not '" + value + "'");
    }
    double v = read.getAsDouble();
    if ((rule.min() != null && v < rule.min()) || (rule.max() != null && v > rule.max())) {
      throw DatastoreException.invalidArgument(
          field,
          "'"
              + value
              + "' is out of range: from "
              + bound(rule.min())
              + " to "
              + bound(rule.max())
              + unit);
    }
  }

  private static String bound(Double d) {
    if (d == null) {
      return "unbounded";
    }
    return d == Math.rint(d) && Math.abs(d) < 1e18 ? Long.toString(d.longValue()) : d.toString();
  }

  private static String printable(String name) {
    String cut = name.length() > 64 ? name.substring(0, 64) + "..." : name;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
