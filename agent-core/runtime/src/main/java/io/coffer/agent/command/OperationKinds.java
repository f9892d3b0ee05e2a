package io.coffer.agent.command;

import io.coffer.proto.v1.Operation;
import io.coffer.proto.v1.OperationsProto;
import io.coffer.spi.Capability;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Names and properties of operation kinds: the name is the proto oneof field (e.g.
 * "create_database").
 */
public final class OperationKinds {
  private OperationKinds() {}

  public static String name(Operation.KindCase kind) {
    if (kind == Operation.KindCase.KIND_NOT_SET) {
      return "none";
    }
    return Operation.getDescriptor().findFieldByNumber(kind.getNumber()).getName();
  }

  /**
   * Read-only operations (marked so in the proto) are not journaled: running one twice is harmless.
   */
  public static boolean readOnly(Operation.KindCase kind) {
    return kind != Operation.KindCase.KIND_NOT_SET
        && Operation.getDescriptor()
            .findFieldByNumber(kind.getNumber())
            .getOptions()
            .getExtension(OperationsProto.readOnly);
  }

  /**
   * Operations for a server that may be down or never get ready (a Galera node waiting for a
   * Primary component that no longer exists): they run without waiting for it.
   */
  public static boolean runsWithServerDown(Operation.KindCase kind) {
    return kind == Operation.KindCase.GET_CLUSTER_RECOVERY
        || kind == Operation.KindCase.BOOTSTRAP_CLUSTER
        || kind == Operation.KindCase.REJOIN_CLUSTER;
  }

  /** The capability an operation needs, or null when every plugin has it. */
  public static Capability capability(Operation.KindCase kind) {
    return switch (kind) {
      case LIST_DATABASES, CREATE_DATABASE, DELETE_DATABASE -> Capability.DATABASES;
      case LIST_USERS, CREATE_USER, DELETE_USER, GRANT_ACCESS, REVOKE_ACCESS, CHANGE_PASSWORD ->
          Capability.USERS;
      case ENABLE_ROOT -> Capability.ROOT;
      case CREATE_BACKUP, RESTORE_BACKUP, FLUSH_LOG_ARCHIVE -> Capability.BACKUP;
      case PREPARE_REPLICATION_SOURCE,
          ATTACH_REPLICA,
          FENCE_SOURCE,
          AWAIT_REPLICA_POSITION,
          PROMOTE_REPLICA,
          GET_REPLICATION_STATUS ->
          Capability.REPLICATION;
      case LIST_PARAMETER_RULES, GET_CONFIGURATION, UPDATE_CONFIGURATION ->
          Capability.CONFIGURATION;
      case PREPARE_CLUSTER_NODE,
          CREATE_CLUSTER,
          JOIN_CLUSTER,
          ADD_CLUSTER_NODE,
          REMOVE_CLUSTER_NODE,
          LEAVE_CLUSTER,
          GET_CLUSTER_STATUS,
          GET_CLUSTER_RECOVERY,
          BOOTSTRAP_CLUSTER,
          REJOIN_CLUSTER ->
          Capability.CLUSTER;
      default -> null;
    };
  }

  /** Operation names a plugin with these capabilities supports, as advertised in Hello. */
  public static List<String> supported(Set<Capability> capabilities) {
    List<String> out = new ArrayList<>();
    for (Operation.KindCase kind : Operation.KindCase.values()) {
      if (kind == Operation.KindCase.KIND_NOT_SET || kind == Operation.KindCase.EXTENSION) {
        continue;
      }
      Capability needed = capability(kind);
      if (needed == null || capabilities.contains(needed)) {
        out.add(name(kind));
      }
    }
    return out;
  }
}
