package io.coffer.plugin.kit;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a plugin's tools are started: the engine's name (for the names of the threads that drain
 * their output) and the prefixes of the agent's environment variables that must not reach them,
 * because the engine's client tools read them (e.g. {@code PGHOST}, {@code PGPASSWORD}; {@code
 * MYSQL_PWD}, {@code MYSQL_UNIX_PORT}) and they would steer a tool away from the plugin's own
 * socket and account.
 *
 * @param engine short engine name, e.g. {@code postgresql}
 * @param droppedPrefixes environment variables starting with one of these are removed
 * @param variables set after the others were dropped, e.g. {@code REDISCLI_AUTH} (how redis-cli
 *     takes a password without showing it in the process list); values are never printed
 */
public record ToolEnvironment(
    String engine, List<String> droppedPrefixes, Map<String, String> variables) {
  public ToolEnvironment {
    Objects.requireNonNull(engine, "engine");
    droppedPrefixes = List.copyOf(droppedPrefixes);
    variables = Map.copyOf(variables);
  }

  public ToolEnvironment(String engine, List<String> droppedPrefixes) {
    this(engine, droppedPrefixes, Map.of());
  }

  /** This environment with one more variable set. */
  public ToolEnvironment with(String name, String value) {
    Map<String, String> more = new HashMap<>(variables);
    more.put(name, value);
    return new ToolEnvironment(engine, droppedPrefixes, more);
  }

  void scrub(ProcessBuilder builder) {
    builder.environment().keySet().removeIf(k -> droppedPrefixes.stream().anyMatch(k::startsWith));
    builder.environment().putAll(variables);
  }

  @Override
  public String toString() {
    return "ToolEnvironment["
        + engine
        + ", drops "
        + droppedPrefixes
        + ", sets "
        + variables.keySet()
        + "]";
  }
}
