package io.coffer.agent.plugin;

import io.coffer.agent.plugin.PluginHost.PluginException;
import io.coffer.spi.Capability;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.DatastoreManager;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks, once the plugin is initialised, that each facet is present exactly when its capability is
 * declared: a declared facet that answers UNIMPLEMENTED would fail every command of that kind, and
 * an undeclared one would never be offered to the control.
 */
public final class Facets {
  private Facets() {}

  /**
   * @throws PluginException naming each capability declared without its facet, or the reverse
   */
  public static void check(DatastoreManager manager) {
    List<String> problems = new ArrayList<>();
    for (Capability c : Capability.values()) {
      boolean declared = manager.capabilities().contains(c);
      boolean present = present(manager, c);
      if (declared && !present) {
        problems.add(c + " is declared but its facet answers UNIMPLEMENTED");
      } else if (!declared && present) {
        problems.add(c + " has a facet but is not declared in capabilities()");
      }
    }
    if (!problems.isEmpty()) {
      throw new PluginException(
          "the " + manager.engine() + " plugin is inconsistent: " + String.join("; ", problems));
    }
  }

  private static boolean present(DatastoreManager m, Capability c) {
    try {
      Object facet =
          switch (c) {
            case DATABASES -> m.databases();
            case USERS -> m.users();
            case ROOT -> m.root();
            case BACKUP -> m.backup();
            case REPLICATION -> m.replication();
            case CONFIGURATION -> m.configuration();
            case CLUSTER -> m.cluster();
          };
      return facet != null;
    } catch (RuntimeException e) {
      // a facet that exists may still refuse in this instance's mode (e.g. clusters off)
      return !(e instanceof DatastoreException d
          && d.code() == DatastoreException.Code.UNIMPLEMENTED);
    }
  }
}
