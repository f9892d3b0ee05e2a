package io.coffer.spi.config;

import java.util.Objects;

/**
 * A parameter's value as the server runs with it.
 *
 * @param name the engine's parameter name
 * @param value the value in effect, as the engine prints it (e.g. {@code 4MB})
 * @param pendingRestart a different value was set that takes effect only after a restart
 * @param source where the value in effect comes from, in the engine's terms (e.g. {@code default},
 *     {@code configuration file}); empty when the engine does not say
 */
public record ParameterValue(String name, String value, boolean pendingRestart, String source) {
  public ParameterValue {
    Objects.requireNonNull(name, "name");
    value = value == null ? "" : value;
    source = source == null ? "" : source;
  }
}
