package io.coffer.tck;

import io.coffer.agent.command.OperationKinds;
import io.coffer.proto.v1.BackupType;
import io.coffer.proto.v1.InstanceStatus;
import io.coffer.proto.v1.Operation;
import io.coffer.spi.Capability;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a plugin declares, as its agent advertised it to the control (InstanceStatus.capabilities):
 * the capabilities whose operations it offers, its backup types and whether it restores to a point
 * in time. Read through the API, as an integrator would, never from the provider.
 */
public record Declared(
    String engine, Set<Capability> capabilities, Set<BackupType> backupTypes, boolean pointInTime) {

  public Declared {
    capabilities = Set.copyOf(capabilities);
    backupTypes = Set.copyOf(backupTypes);
  }

  /** Parses an instance's advertised capabilities. */
  public static Declared of(InstanceStatus status) {
    return of(status.getDatastore().getEngine(), status.getCapabilitiesList());
  }

  static Declared of(String engine, List<String> advertised) {
    Set<Capability> capabilities = EnumSet.noneOf(Capability.class);
    Set<BackupType> types = EnumSet.noneOf(BackupType.class);
    for (Operation.KindCase kind : Operation.KindCase.values()) {
      Capability needed = OperationKinds.capability(kind);
      if (needed != null && advertised.contains(OperationKinds.name(kind))) {
        capabilities.add(needed);
      }
    }
    for (String a : advertised) {
      if (a.startsWith("backup_type:")) {
        types.add(
            BackupType.valueOf(
                "BACKUP_TYPE_" + a.substring("backup_type:".length()).toUpperCase(Locale.ROOT)));
      }
    }
    return new Declared(engine, capabilities, types, advertised.contains("point_in_time"));
  }

  /** Whether the plugin declares what {@code area} checks. */
  public boolean has(Area area) {
    if (area == Area.LIFECYCLE) {
      return true;
    }
    boolean declared = capabilities.contains(area.capability());
    return area == Area.POINT_IN_TIME ? declared && pointInTime : declared;
  }

  /** The line a skipped test or suite shows. */
  public String notDeclared(Area area) {
    return area.label()
        + ": not declared by the "
        + engine
        + " plugin"
        + (area == Area.POINT_IN_TIME && capabilities.contains(Capability.BACKUP)
            ? " (it archives no log)"
            : "");
  }
}
