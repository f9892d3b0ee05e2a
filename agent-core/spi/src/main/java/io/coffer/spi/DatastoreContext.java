package io.coffer.spi;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What the runtime tells a plugin about its instance, from the agent configuration.
 *
 * @param instanceId the instance this agent manages
 * @param dataDir the engine's data directory (created by the plugin in {@link
 *     DatastoreManager#prepare})
 * @param runDir a private directory for sockets, pid files and rendered configuration files
 * @param bindAddress address the server listens on, e.g. {@code 127.0.0.1}
 * @param port TCP port the server listens on (1-65535)
 * @param osUser the OS account the server process runs as, or empty for the agent's own account
 * @param settings engine-specific settings from {@code datastore.settings} (e.g. {@code binDir});
 *     plugins document the keys they read and reject unknown ones
 * @param advertiseAddress where clients and the other nodes of a cluster reach the server ({@code
 *     datastore.advertiseAddress}, by default the bind address)
 */
public record DatastoreContext(
    String instanceId,
    Path dataDir,
    Path runDir,
    String bindAddress,
    int port,
    String osUser,
    Map<String, String> settings,
    String advertiseAddress) {

  public DatastoreContext {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(runDir, "runDir");
    Objects.requireNonNull(bindAddress, "bindAddress");
    osUser = osUser == null ? "" : osUser;
    settings = settings == null ? Map.of() : Map.copyOf(settings);
    advertiseAddress =
        advertiseAddress == null || advertiseAddress.isEmpty() ? bindAddress : advertiseAddress;
  }

  /** A context whose server is reached at its bind address. */
  public DatastoreContext(
      String instanceId,
      Path dataDir,
      Path runDir,
      String bindAddress,
      int port,
      String osUser,
      Map<String, String> settings) {
    this(instanceId, dataDir, runDir, bindAddress, port, osUser, settings, bindAddress);
  }

  /** A setting, or {@code fallback} when absent. */
  public String setting(String key, String fallback) {
    return settings.getOrDefault(key, fallback);
  }
}
