package io.coffer.tck;

import io.coffer.spi.Capability;

/** What the TCK reports on, one line each: the lifecycle every plugin has, then each capability. */
public enum Area {
  LIFECYCLE("lifecycle", null),
  DATABASES("databases", Capability.DATABASES),
  USERS("users", Capability.USERS),
  ROOT("root", Capability.ROOT),
  CONFIGURATION("configuration", Capability.CONFIGURATION),
  BACKUP("backup", Capability.BACKUP),
  /**
   * Backup plus an archived log: declared by {@code point_in_time} in the instance's capabilities.
   */
  POINT_IN_TIME("point-in-time", Capability.BACKUP),
  REPLICATION("replication", Capability.REPLICATION),
  CLUSTER("cluster", Capability.CLUSTER);

  private final String label;
  private final Capability capability;

  Area(String label, Capability capability) {
    this.label = label;
    this.capability = capability;
  }

  /** The name in the report and in skip reasons, e.g. {@code point-in-time}. */
  public String label() {
    return label;
  }

  /**
   * The capability a plugin declares for this area; null for the lifecycle, which every plugin has.
   */
  public Capability capability() {
    return capability;
  }
}
