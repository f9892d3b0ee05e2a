package io.coffer.plugin.postgresql;

import io.coffer.plugin.kit.ToolEnvironment;
import java.util.List;

/**
 * How this plugin starts its tools and helper programs: PGHOST, PGUSER, PGPASSWORD, PGSERVICE ...
 * would steer the tools away from the plugin's socket and role.
 */
public final class Tools {
  public static final ToolEnvironment ENV = new ToolEnvironment("postgresql", List.of("PG"));

  private Tools() {}
}
