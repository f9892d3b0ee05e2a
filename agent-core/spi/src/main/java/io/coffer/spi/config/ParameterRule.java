package io.coffer.spi.config;

import java.util.List;
import java.util.Objects;

/**
 * What a parameter accepts, as the running server version defines it.
 *
 * @param name the engine's parameter name, lower case (e.g. {@code work_mem})
 * @param type the value's type
 * @param min least value for INTEGER and REAL, in {@code unit}; null when unbounded
 * @param max greatest value for INTEGER and REAL, in {@code unit}; null when unbounded
 * @param unit the unit of a bare number and of {@code min}/{@code max} (e.g. {@code kB}, {@code
 *     8kB}, {@code ms}); empty when the value has none
 * @param allowedValues the accepted values of an ENUM, empty otherwise
 * @param restartRequired whether a new value takes effect only after the server restarts
 * @param description one line from the engine's documentation
 */
public record ParameterRule(
    String name,
    ParameterType type,
    Double min,
    Double max,
    String unit,
    List<String> allowedValues,
    boolean restartRequired,
    String description) {

  public ParameterRule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    unit = unit == null ? "" : unit;
    allowedValues = List.copyOf(allowedValues == null ? List.of() : allowedValues);
    description = description == null ? "" : description;
  }
}
