package io.coffer.control.gateway;

import io.coffer.proto.v1.Hello;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which plugin API versions this control works with. The control sends operations and reads results
 * whose meaning the plugin API fixes; an agent providing another major version would get operations
 * its plugins do not know (or lack ones they need), so its stream is refused with a message that
 * says what to upgrade. Minor versions only add, so any 1.x works.
 */
final class PluginApiSupport {
  /** The plugin API major version this control supports. */
  static final int MAJOR = 1;

  /** What an agent that predates {@code Hello.plugin_api_version} provides. */
  static final String ASSUMED_WHEN_EMPTY = "1.0.0";

  private static final Pattern SEMVER = Pattern.compile("(\\d{1,9})\\.(\\d{1,9})\\.(\\d{1,9})");

  private PluginApiSupport() {}

  /**
   * The version the agent provides, as the Hello says it ({@value #ASSUMED_WHEN_EMPTY} if empty).
   */
  static String of(Hello hello) {
    String v = hello.getPluginApiVersion();
    return v.isEmpty() ? ASSUMED_WHEN_EMPTY : v;
  }

  /** Why the agent's plugin API is refused, or empty when this control supports it. */
  static Optional<String> refusal(Hello hello) {
    String version = of(hello);
    Matcher m = SEMVER.matcher(version);
    if (!m.matches()) {
      return Optional.of(
          "the agent's plugin API version '"
              + version
              + "' is not a semantic version (MAJOR.MINOR.PATCH)");
    }
    int major = Integer.parseInt(m.group(1));
    if (major == MAJOR) {
      return Optional.empty();
    }
    return Optional.of(
        "this agent provides plugin API "
            + version
            + " but this control supports plugin API "
            + MAJOR
            + ".x only; "
            + (major > MAJOR
                ? "upgrade the control before its agents"
                : "install an agent package built for plugin API " + MAJOR + ".x on the guest"));
  }
}
