package io.coffer.agent.command;

import io.coffer.proto.v1.AttachReplica;
import io.coffer.proto.v1.AwaitReplicaPosition;
import io.coffer.proto.v1.Done;
import io.coffer.proto.v1.OperationResult;
import io.coffer.proto.v1.PrepareReplicationSource;
import io.coffer.proto.v1.ReplicationPosition;
import io.coffer.proto.v1.ReplicationStatus;
import io.coffer.proto.v1.Role;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.DatastoreManager;
import io.coffer.spi.Probe;
import io.coffer.spi.Secret;
import io.coffer.spi.backup.ServerControl;
import io.coffer.spi.replication.ReplicationSource;
import java.time.Duration;

/** Translates the replication operations between proto and the plugin's ReplicationStrategy. */
final class ReplicationCommands {
  private static final OperationResult DONE =
      OperationResult.newBuilder().setDone(Done.getDefaultInstance()).build();
  private static final Duration DEFAULT_WAIT = Duration.ofSeconds(60);
  private final DatastoreManager manager;
  private final ServerControl server;

  /** Told when this instance follows a source or was promoted (a pending re-seed is over). */
  private final Runnable roleSettled;

  ReplicationCommands(DatastoreManager manager, ServerControl server, Runnable roleSettled) {
    this.roleSettled = roleSettled;
    this.manager = manager;
    this.server = server;
  }

  OperationResult prepareSource(PrepareReplicationSource op) {
    if (op.getPassword().isEmpty()) {
      throw DatastoreException.invalidArgument("password", "is required");
    }
    manager.replication().prepareSource(op.getUser(), Secret.of(op.getPassword()));
    if (op.getSynchronous()) {
      manager.replication().requireSynchronousReplica();
    }
    return DONE;
  }

  OperationResult attach(AttachReplica op) {
    if (op.getSourcePort() < 1 || op.getSourcePort() > 65535) {
      throw DatastoreException.invalidArgument("source_port", "must be between 1 and 65535");
    }
    if (op.getPassword().isEmpty()) {
      throw DatastoreException.invalidArgument("password", "is required");
    }
    manager
        .replication()
        .attach(
            new ReplicationSource(
                op.getSourceHost(),
                op.getSourcePort(),
                op.getUser(),
                Secret.of(op.getPassword()),
                op.getPositionsMap(),
                op.getSemiSync()),
            server);
    roleSettled.run();
    return DONE;
  }

  OperationResult fence() {
    return OperationResult.newBuilder()
        .setPosition(
            ReplicationPosition.newBuilder().setPosition(manager.replication().fence(server)))
        .build();
  }

  OperationResult awaitPosition(AwaitReplicaPosition op) {
    Duration timeout =
        op.getTimeoutMillis() == 0 ? DEFAULT_WAIT : Duration.ofMillis(op.getTimeoutMillis());
    manager.replication().awaitPosition(op.getPosition(), timeout);
    return DONE;
  }

  OperationResult promote() {
    manager.replication().promote();
    roleSettled.run();
    return DONE;
  }

  OperationResult status() {
    io.coffer.spi.replication.ReplicationStatus s = manager.replication().status();
    return OperationResult.newBuilder()
        .setReplication(
            ReplicationStatus.newBuilder()
                .setRole(role(s.role()))
                .setSourceHost(s.sourceHost())
                .setSourcePort(s.sourcePort())
                .setRunning(s.running())
                .setLagSeconds(s.lagSeconds())
                .setPosition(s.position())
                .setReadOnly(s.readOnly())
                .setLastError(s.lastError())
                .setSourceConnected(s.sourceConnected()))
        .build();
  }

  static Role role(Probe.Role r) {
    return switch (r) {
      case STANDALONE -> Role.ROLE_STANDALONE;
      case PRIMARY -> Role.ROLE_PRIMARY;
      case REPLICA -> Role.ROLE_REPLICA;
      case UNKNOWN -> Role.ROLE_UNSPECIFIED;
    };
  }
}
