package io.coffer.agent.plugin;

import io.coffer.agent.command.OperationKinds;
import io.coffer.spi.Capability;
import io.coffer.spi.DatastoreManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the agent tells the control its plugin can do (Hello.capabilities): the operation kinds of
 * the declared capabilities, then {@code backup_type:full|incremental|logical} for each backup type
 * the strategy declares, {@code point_in_time} when the plugin archives its log, and {@code
 * extension:NAME} per extension. Integrators and the TCK read it from InstanceStatus.
 */
public final class Advertised {
  /** Prefix of a declared backup type, e.g. {@code backup_type:incremental}. */
  public static final String BACKUP_TYPE = "backup_type:";

  /** Present when restores to a point in time are possible (the log is archived). */
  public static final String POINT_IN_TIME = "point_in_time";

  private Advertised() {}

  /**
   * Called after {@link DatastoreManager#init}: the backup facet may depend on the configuration.
   */
  public static List<String> of(DatastoreManager manager) {
    List<String> out = new ArrayList<>(OperationKinds.supported(manager.capabilities()));
    if (manager.capabilities().contains(Capability.BACKUP)) {
      manager.backup().types().stream()
          .sorted()
          .map(t -> BACKUP_TYPE + t.name().toLowerCase(Locale.ROOT))
          .forEach(out::add);
      if (manager.logArchiving().isPresent()) {
        out.add(POINT_IN_TIME);
      }
    }
    manager.extensions().stream().sorted().map(e -> "extension:" + e).forEach(out::add);
    return out;
  }
}
