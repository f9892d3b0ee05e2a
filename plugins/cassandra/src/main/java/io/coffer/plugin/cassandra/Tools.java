package io.coffer.plugin.cassandra;

import io.coffer.plugin.kit.ToolEnvironment;
import java.util.List;

/** How this plugin starts helper programs: Cassandra's own environment variables stay out. */
public final class Tools {
  public static final ToolEnvironment ENV =
      new ToolEnvironment("cassandra", List.of("CASSANDRA", "JVM_OPTS"));

  private Tools() {}
}
