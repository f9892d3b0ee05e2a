package io.coffer.plugin.redis;

import io.coffer.plugin.kit.ToolEnvironment;
import java.util.List;

/** How this plugin starts helper programs: REDISCLI_AUTH and the like must not reach them. */
public final class Tools {
  public static final ToolEnvironment ENV = new ToolEnvironment("redis", List.of("REDIS"));

  private Tools() {}
}
