package io.coffer.spi;

/**
 * The version of this SPI, semantic: a plugin states the versions it works with in {@code
 * plugin.properties} ({@code plugin.requires=>=1.0.0 & <2.0.0}, PF4J's version expressions), and
 * the agent refuses to load a plugin whose range excludes its own version. The minor version grows
 * when methods with defaults are added, the major when a plugin built for an earlier one would
 * break.
 */
public final class PluginApi {
  /**
   * 1.0.0: one facet per capability ({@link DatastoreManager#databases()} ... {@link
   * DatastoreManager#cluster()}).
   */
  public static final String VERSION = "1.0.0";

  private PluginApi() {}
}
