package io.coffer.plugin.kit;

import java.util.List;
import java.util.Objects;

/**
 * How a plugin's tools are started: the engine's name (for the names of the threads that drain
 * their output) and the prefixes of the agent's environment variables that must not reach them,
 * because the engine's client tools read them (e.g. {@code PGHOST}, {@code PGPASSWORD};
 * {@code MYSQL_PWD}, {@code MYSQL_UNIX_PORT}) and they would steer a tool away from the plugin's
 * own socket and account.
 *
 * @param engine short engine name, e.g. {@code postgresql}
 * @param droppedPrefixes environment variables starting with one of these are removed
 */
public record ToolEnvironment(String engine, List<String> droppedPrefixes) {
  public ToolEnvironment {
    Objects.requireNonNull(engine, "engine");
    droppedPrefixes = List.copyOf(droppedPrefixes);
  }

  void scrub(ProcessBuilder builder) {
    builder.environment().keySet().removeIf(k -> droppedPrefixes.stream().anyMatch(k::startsWith));
  }
}
