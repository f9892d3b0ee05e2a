package io.coffer.control.events;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What an event is about; its wire name is the lower-case constant, e.g. {@code
 * failover_completed}.
 */
public enum EventKind {
  INSTANCE_UNREACHABLE,
  INSTANCE_REACHABLE,
  DATASTORE_DOWN,
  DATASTORE_UP,
  FAILOVER_STARTED,
  FAILOVER_COMPLETED,
  /**
   * A primary went silent but its replicas still receive from it: the control is the one cut off.
   */
  FAILOVER_DECLINED,
  FENCING_APPLIED,
  REPAIR_STARTED,
  REPAIR_COMPLETED,
  REPLICA_LAG_OVER_THRESHOLD,
  BACKUP_COMPLETED,
  BACKUP_FAILED,
  CERTIFICATE_NEAR_EXPIRY,
  STORAGE_NEARLY_FULL,
  WORKFLOW_FAILED,
  /** Two agent processes hold one instance's certificate. */
  IDENTITY_CONFLICT;

  /** The kinds an agent may report in an AgentEvent frame; others it sends are dropped. */
  public static final List<EventKind> FROM_AGENTS =
      List.of(
          DATASTORE_DOWN,
          DATASTORE_UP,
          STORAGE_NEARLY_FULL,
          CERTIFICATE_NEAR_EXPIRY,
          FENCING_APPLIED);

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<EventKind> of(String wireName) {
    return Arrays.stream(values()).filter(k -> k.wireName().equals(wireName)).findFirst();
  }
}
