package io.coffer.agent.command;

import io.coffer.agent.backup.JobProgress;
import io.coffer.proto.v1.Database;
import io.coffer.proto.v1.DatabaseList;
import io.coffer.proto.v1.Done;
import io.coffer.proto.v1.Operation;
import io.coffer.proto.v1.OperationResult;
import io.coffer.proto.v1.Pong;
import io.coffer.proto.v1.RootCredentials;
import io.coffer.proto.v1.User;
import io.coffer.proto.v1.UserList;
import io.coffer.spi.Capability;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.DatastoreManager;
import io.coffer.spi.Secret;
import io.coffer.spi.UserAccount;
import io.coffer.spi.backup.ServerControl;
import java.time.Clock;
import java.util.concurrent.locks.Lock;
import java.util.function.Supplier;

/**
 * Runs one operation against the plugin: translates proto messages to SPI calls and back. Blocking;
 * the executor calls it on a scheduler that allows blocking.
 */
final class OperationDispatcher {
  private static final OperationResult DONE =
      OperationResult.newBuilder().setDone(Done.getDefaultInstance()).build();

  private final DatastoreManager manager;
  private final BackupCommands backups;
  private final ReplicationCommands replication;
  private final ConfigurationCommands configuration;
  private final ClusterCommands cluster;
  private final Clock clock;
  private final Lock roleLock;

  /**
   * @param roleChanged told when a command made this instance follow a source or promoted it
   * @param roleLock held by the commands that change the server's role ({@code
   *     LeaseKeeper.roleLock})
   */
  OperationDispatcher(
      DatastoreManager manager,
      BackupCommands backups,
      ServerControl server,
      Clock clock,
      Runnable roleChanged,
      Lock roleLock) {
    this.manager = manager;
    this.roleLock = roleLock;
    this.backups = backups;
    this.replication =
        new ReplicationCommands(
            manager,
            server,
            () -> {
              backups.replicaAttached();
              roleChanged.run();
            });
    this.configuration = new ConfigurationCommands(manager, server);
    this.cluster = new ClusterCommands(manager, server);
    this.clock = clock;
  }

  /** Rejects operations the plugin did not declare, before anything runs. */
  void checkSupported(Operation op) {
    if (op.getKindCase() == Operation.KindCase.KIND_NOT_SET) {
      throw DatastoreException.invalidArgument("operation", "is required");
    }
    Capability needed = OperationKinds.capability(op.getKindCase());
    if (needed != null && !manager.capabilities().contains(needed)) {
      throw DatastoreException.unimplemented(
          OperationKinds.name(op.getKindCase()) + " on " + manager.engine());
    }
    if (op.hasExtension() && !manager.extensions().contains(op.getExtension().getName())) {
      throw DatastoreException.unimplemented(
          "extension '" + op.getExtension().getName() + "' on " + manager.engine());
    }
  }

  /**
   * @param progress receives progress of long jobs (backup, restore)
   */
  OperationResult run(Operation op, JobProgress progress) {
    checkSupported(op);
    return switch (op.getKindCase()) {
      case PING ->
          OperationResult.newBuilder()
              .setPong(
                  Pong.newBuilder()
                      .setAgentTimeMillis(clock.millis())
                      .setPayload(op.getPing().getPayload()))
              .build();
      case NOOP -> DONE;
      case LIST_DATABASES -> {
        DatabaseList.Builder list = DatabaseList.newBuilder();
        manager
            .databases()
            .list()
            .forEach(
                d ->
                    list.addDatabases(
                        Database.newBuilder()
                            .setName(d.name())
                            .setCharacterSet(d.characterSet())
                            .setCollation(d.collation())));
        yield OperationResult.newBuilder().setDatabases(list).build();
      }
      case CREATE_DATABASE -> {
        Database d = op.getCreateDatabase().getDatabase();
        manager
            .databases()
            .create(new io.coffer.spi.Database(d.getName(), d.getCharacterSet(), d.getCollation()));
        yield DONE;
      }
      case DELETE_DATABASE -> {
        manager.databases().delete(op.getDeleteDatabase().getName());
        yield DONE;
      }
      case LIST_USERS -> {
        UserList.Builder list = UserList.newBuilder();
        manager
            .users()
            .list()
            .forEach(
                u ->
                    list.addUsers(
                        User.newBuilder()
                            .setName(u.name())
                            .setHost(u.host())
                            .addAllDatabases(u.databases())
                            .setAccessRules(u.accessRules())));
        yield OperationResult.newBuilder().setUsers(list).build();
      }
      case CREATE_USER -> {
        var c = op.getCreateUser();
        manager
            .users()
            .create(
                new UserAccount(c.getName(), c.getHost(), c.getDatabasesList(), c.getAccessRules()),
                Secret.of(c.getPassword()));
        yield DONE;
      }
      case DELETE_USER -> {
        manager.users().delete(op.getDeleteUser().getName(), op.getDeleteUser().getHost());
        yield DONE;
      }
      case GRANT_ACCESS -> {
        var g = op.getGrantAccess();
        manager.users().grantAccess(g.getName(), g.getHost(), g.getDatabasesList());
        yield DONE;
      }
      case REVOKE_ACCESS -> {
        var r = op.getRevokeAccess();
        manager.users().revokeAccess(r.getName(), r.getHost(), r.getDatabasesList());
        yield DONE;
      }
      case CHANGE_PASSWORD -> {
        var p = op.getChangePassword();
        manager.users().changePassword(p.getName(), p.getHost(), Secret.of(p.getPassword()));
        yield DONE;
      }
      case ENABLE_ROOT -> {
        String root = manager.root().enable(Secret.of(op.getEnableRoot().getPassword()));
        yield OperationResult.newBuilder()
            .setRoot(RootCredentials.newBuilder().setName(root))
            .build();
      }
      case CREATE_BACKUP -> backups.create(op.getCreateBackup(), progress);
      case RESTORE_BACKUP -> backups.restore(op.getRestoreBackup(), progress);
      case DELETE_BACKUP -> backups.delete(op.getDeleteBackup().getBackupId());
      case FLUSH_LOG_ARCHIVE -> backups.flushLogArchive(op.getFlushLogArchive());
      case PREPARE_REPLICATION_SOURCE ->
          replication.prepareSource(op.getPrepareReplicationSource());
      case ATTACH_REPLICA -> changingRole(() -> replication.attach(op.getAttachReplica()));
      case FENCE_SOURCE -> changingRole(replication::fence);
      case AWAIT_REPLICA_POSITION -> replication.awaitPosition(op.getAwaitReplicaPosition());
      case PROMOTE_REPLICA -> changingRole(replication::promote);
      case GET_REPLICATION_STATUS -> replication.status();
      case LIST_PARAMETER_RULES -> configuration.rules(op.getListParameterRules().getNamesList());
      case GET_CONFIGURATION -> configuration.values(op.getGetConfiguration().getNamesList());
      case UPDATE_CONFIGURATION -> configuration.update(op.getUpdateConfiguration());
      case RESTART_SERVER -> changingRole(configuration::restart);
      case PREPARE_CLUSTER_NODE ->
          cluster.prepare(
              op.getPrepareClusterNode().getUser(), op.getPrepareClusterNode().getPassword());
      case CREATE_CLUSTER ->
          cluster.create(
              op.getCreateCluster().getNodesList(),
              op.getCreateCluster().getReplicasPerPrimary(),
              op.getCreateCluster().getUser(),
              op.getCreateCluster().getPassword());
      case ADD_CLUSTER_NODE ->
          cluster.add(
              op.getAddClusterNode().getNode(),
              op.getAddClusterNode().getUser(),
              op.getAddClusterNode().getPassword());
      case REMOVE_CLUSTER_NODE ->
          cluster.remove(
              op.getRemoveClusterNode().getNode(),
              op.getRemoveClusterNode().getUser(),
              op.getRemoveClusterNode().getPassword());
      case JOIN_CLUSTER ->
          cluster.join(
              op.getJoinCluster().getMembersList(),
              op.getJoinCluster().getUser(),
              op.getJoinCluster().getPassword());
      case LEAVE_CLUSTER -> cluster.leave();
      case GET_CLUSTER_STATUS -> cluster.status();
      case GET_CLUSTER_RECOVERY -> changingRole(cluster::recovery);
      case BOOTSTRAP_CLUSTER -> changingRole(cluster::bootstrap);
      case REJOIN_CLUSTER -> changingRole(cluster::rejoin);
      case EXTENSION ->
          OperationResult.newBuilder()
              .setExtensionJson(
                  manager.extension(op.getExtension().getName(), op.getExtension().getJson()))
              .build();
      case KIND_NOT_SET -> throw DatastoreException.invalidArgument("operation", "is required");
    };
  }

  private OperationResult changingRole(Supplier<OperationResult> command) {
    roleLock.lock();
    try {
      return command.get();
    } finally {
      roleLock.unlock();
    }
  }
}
