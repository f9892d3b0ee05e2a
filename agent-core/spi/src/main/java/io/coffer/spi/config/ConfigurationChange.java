package io.coffer.spi.config;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One change of the server configuration, applied all or nothing.
 *
 * @param values new values by parameter name
 * @param reset parameters to return to the engine's default; a name may not appear in both
 */
public record ConfigurationChange(Map<String, String> values, Set<String> reset) {
  public ConfigurationChange {
    values = Map.copyOf(Objects.requireNonNull(values, "values"));
    reset = Set.copyOf(Objects.requireNonNull(reset, "reset"));
  }

  public boolean isEmpty() {
    return values.isEmpty() && reset.isEmpty();
  }
}
