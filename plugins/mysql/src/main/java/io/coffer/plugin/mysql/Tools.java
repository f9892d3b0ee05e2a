package io.coffer.plugin.mysql;

import io.coffer.plugin.kit.ToolEnvironment;
import java.util.List;

/**
 * How this plugin starts its tools and helper programs: MYSQL_HOST, MYSQL_PWD, MYSQL_UNIX_PORT ...
 * would steer the tools away from the plugin's socket and account.
 */
public final class Tools {
  public static final ToolEnvironment ENV =
      new ToolEnvironment("mysql", List.of("MYSQL", "MARIADB"));

  private Tools() {}
}
