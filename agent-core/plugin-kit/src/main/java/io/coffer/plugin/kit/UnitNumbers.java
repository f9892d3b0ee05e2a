package io.coffer.plugin.kit;

import io.coffer.spi.config.ParameterRule;
import io.coffer.spi.config.ParameterType;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads numbers written with a unit suffix ({@code 64MB}, {@code 30s}) in the rule's unit, for
 * engines whose settings take them. The plugin gives the suffixes its engine accepts, one map per
 * dimension (memory, time) with each suffix's size in that dimension's base, and whether they are
 * case-sensitive. A rule's unit may carry a multiplier, as PostgreSQL's {@code 8kB} does; a value
 * in another dimension than its rule's unit is refused.
 */
public final class UnitNumbers implements ParameterCheck.NumberReader {
  private static final Pattern NUMBER =
      Pattern.compile("([-+]?[0-9]+(?:\\.[0-9]+)?)\\s*([A-Za-z]*)");
  private static final Pattern RULE_UNIT = Pattern.compile("([0-9]*)\\s*([A-Za-z]+)");

  private final List<Map<String, Double>> dimensions;
  private final boolean caseSensitive;

  /**
   * @param dimensions per dimension, unit suffix to its size in that dimension's base
   * @param caseSensitive PostgreSQL's are ({@code MB}, never {@code mb}); Redis' are not
   */
  public UnitNumbers(List<Map<String, Double>> dimensions, boolean caseSensitive) {
    this.dimensions = List.copyOf(dimensions);
    this.caseSensitive = caseSensitive;
  }

  @Override
  public OptionalDouble read(ParameterRule rule, String text) {
    Matcher m = NUMBER.matcher(text);
    if (!m.matches()) {
      return OptionalDouble.empty();
    }
    BigDecimal number = new BigDecimal(m.group(1));
    String suffix = m.group(2);
    if (suffix.isEmpty()) {
      if (rule.type() == ParameterType.INTEGER && number.scale() > 0) {
        return OptionalDouble.empty();
      }
      return OptionalDouble.of(number.doubleValue());
    }
    Matcher unit = RULE_UNIT.matcher(rule.unit().trim());
    if (!unit.matches()) {
      return OptionalDouble.empty(); // the parameter takes no unit
    }
    for (Map<String, Double> dimension : dimensions) {
      Double size = size(dimension, suffix);
      Double base = size(dimension, unit.group(2));
      if (size != null && base != null) {
        double multiplier = unit.group(1).isEmpty() ? 1 : Long.parseLong(unit.group(1));
        return OptionalDouble.of(number.doubleValue() * size / (base * multiplier));
      }
    }
    return OptionalDouble.empty();
  }

  private Double size(Map<String, Double> dimension, String suffix) {
    if (caseSensitive) {
      return dimension.get(suffix);
    }
    return dimension.entrySet().stream()
        .filter(e -> e.getKey().equalsIgnoreCase(suffix))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElse(null);
  }
}
