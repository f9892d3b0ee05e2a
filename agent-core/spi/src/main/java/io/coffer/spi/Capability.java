package io.coffer.spi;

/** Optional groups of {@link DatastoreManager} methods a plugin may implement. */
public enum Capability {
  /** list / create / delete databases. */
  DATABASES,
  /** list / create / delete users, grant / revoke access, change password. */
  USERS,
  /** enable the engine superuser ("root enable" in Trove). */
  ROOT,
  /** backup and restore through {@link DatastoreManager#backup()}. */
  BACKUP,
  /** replicas, promote, switchover and failover through {@link DatastoreManager#replication()}. */
  REPLICATION,
  /**
   * server parameters: rules, values and changes through {@link DatastoreManager#configuration()}.
   */
  CONFIGURATION,
  /**
   * clusters (sharded, or synchronous multi-primary) through {@link DatastoreManager#cluster()}.
   */
  CLUSTER
}
