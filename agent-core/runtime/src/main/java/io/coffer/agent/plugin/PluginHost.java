package io.coffer.agent.plugin;

import io.coffer.proto.v1.PluginInfo;
import io.coffer.spi.DatastoreManager;
import io.coffer.spi.PluginApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.pf4j.DefaultPluginManager;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads datastore plugins with PF4J from a plugins directory (zips are expanded next to them) and
 * hands out the one {@link DatastoreManager} for the configured engine. Plugins get their own class
 * loaders; only the SPI, PF4J and SLF4J are shared with the agent.
 */
public final class PluginHost implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PluginHost.class);

  private final PluginManager plugins;

  private PluginHost(PluginManager plugins) {
    this.plugins = plugins;
  }

  /**
   * @throws PluginException when the directory is missing
   */
  public static PluginHost load(Path pluginsDir) {
    if (!Files.isDirectory(pluginsDir)) {
      throw new PluginException("plugins directory " + pluginsDir + " does not exist");
    }
    DefaultPluginManager manager = new DefaultPluginManager(pluginsDir);
    // plugins state the SPI versions they work with (plugin.requires); PF4J disables the others
    manager.setSystemVersion(PluginApi.VERSION);
    manager.loadPlugins();
    manager.startPlugins();
    for (PluginWrapper p : manager.getPlugins()) {
      log.info(
          "loaded plugin {} {} ({})",
          p.getPluginId(),
          p.getDescriptor().getVersion(),
          p.getPluginState());
    }
    return new PluginHost(manager);
  }

  /**
   * The datastore manager whose {@link DatastoreManager#engine()} is {@code engine}.
   *
   * @throws PluginException when no plugin, or more than one, provides that engine
   */
  public DatastoreManager datastore(String engine) {
    List<DatastoreManager> matches =
        plugins.getExtensions(DatastoreManager.class).stream()
            .filter(m -> m.engine().equals(engine))
            .toList();
    if (matches.isEmpty()) {
      List<String> refused =
          plugins.getPlugins().stream()
              .filter(p -> p.getPluginState() == PluginState.DISABLED)
              .map(
                  p ->
                      p.getPluginId()
                          + " "
                          + p.getDescriptor().getVersion()
                          + " requires plugin API '"
                          + p.getDescriptor().getRequires()
                          + "'")
              .toList();
      if (!refused.isEmpty()) {
        throw new PluginException(
            "no loaded plugin provides datastore engine '"
                + engine
                + "'; not loaded, as this"
                + " agent provides plugin API "
                + PluginApi.VERSION
                + ": "
                + String.join("; ", refused)
                + " (build the plugin against this agent's SPI)");
      }
      List<String> engines =
          plugins.getExtensions(DatastoreManager.class).stream()
              .map(DatastoreManager::engine)
              .toList();
      throw new PluginException(
          "no plugin provides datastore engine '" + engine + "' (found: " + engines + ")");
    }
    if (matches.size() > 1) {
      throw new PluginException("several plugins provide datastore engine '" + engine + "'");
    }
    return matches.get(0);
  }

  public List<PluginInfo> describe() {
    return plugins.getStartedPlugins().stream()
        .map(
            p ->
                PluginInfo.newBuilder()
                    .setId(p.getPluginId())
                    .setVersion(p.getDescriptor().getVersion())
                    .setRequires(p.getDescriptor().getRequires())
                    .build())
        .toList();
  }

  @Override
  public void close() {
    plugins.stopPlugins();
    plugins.unloadPlugins();
  }

  /** A plugin could not be loaded or found. */
  public static final class PluginException extends RuntimeException {
    public PluginException(String message) {
      super(message);
    }
  }
}
