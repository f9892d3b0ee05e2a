package io.coffer.control.backup;

import io.coffer.control.broker.Broker;
import io.coffer.proto.v1.BackupState;
import io.coffer.proto.v1.DeleteBackup;
import io.coffer.proto.v1.Operation;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Deletes backups: refuses a parent without cascade, and one still running; dependents go first.
 */
final class BackupDeletion {
  private final BackupCatalog catalog;
  private final Broker broker;
  private final Scheduler blocking;

  BackupDeletion(BackupCatalog catalog, Broker broker, Scheduler blocking) {
    this.catalog = catalog;
    this.broker = broker;
    this.blocking = blocking;
  }

  /**
   * Deletes a backup (and with {@code cascade} everything that depends on it, dependents first),
   * from storage and then from the catalog (when its command's result arrives).
   *
   * @return the ids deleted
   */
  Mono<List<String>> delete(String backupId, boolean cascade, Duration timeout) {
    return Mono.fromCallable(
            () -> {
              BackupEntry root =
                  catalog
                      .get(backupId)
                      .orElseThrow(
                          () ->
                              Status.NOT_FOUND
                                  .withDescription("no backup '" + backupId + "'")
                                  .asRuntimeException());
              List<BackupEntry> doomed = dependentsFirst(root);
              if (doomed.size() > 1 && !cascade) {
                List<String> children =
                    doomed.subList(0, doomed.size() - 1).stream()
                        .map(BackupEntry::backupId)
                        .toList();
                throw Status.FAILED_PRECONDITION
                    .withDescription(
                        "backup "
                            + backupId
                            + " is the parent of "
                            + children
                            + "; delete those first, or delete with cascade")
                    .asRuntimeException();
              }
              for (BackupEntry b : doomed) {
                if (b.state() == BackupState.BACKUP_STATE_PENDING) {
                  throw Status.FAILED_PRECONDITION
                      .withDescription(
                          "backup "
                              + b.backupId()
                              + " is still running; delete it once it has ended")
                      .asRuntimeException();
                }
              }
              return doomed;
            })
        .subscribeOn(blocking)
        .flatMapMany(Flux::fromIterable)
        .concatMap(b -> deleteOne(b, timeout).thenReturn(b.backupId()))
        .collectList();
  }

  /** Deletes one backup: a FAILED one from the catalog at once, a stored one through its agent. */
  Mono<Void> deleteOne(BackupEntry b, Duration timeout) {
    if (b.state() == BackupState.BACKUP_STATE_FAILED) {
      return Mono.fromRunnable(() -> catalog.delete(b.backupId()))
          .subscribeOn(blocking)
          .then(); // nothing stored
    }
    Operation op =
        Operation.newBuilder()
            .setDeleteBackup(DeleteBackup.newBuilder().setBackupId(b.backupId()))
            .build();
    String commandId = BackupManager.DELETE_PREFIX + b.backupId() + ":" + UUID.randomUUID();
    return Mono.fromRunnable(() -> catalog.update(b.deleting()))
        .subscribeOn(blocking)
        .then(broker.dispatch(b.takenOn(), commandId, BackupManager.DELETE, false, op, timeout))
        .then(); // the catalog entry goes in onCompleted, also when this caller gave up waiting
  }

  /** {@code root} and all backups depending on it, each after those that depend on it. */
  private List<BackupEntry> dependentsFirst(BackupEntry root) {
    List<BackupEntry> out = new ArrayList<>();
    Deque<BackupEntry> stack = new ArrayDeque<>(List.of(root));
    while (!stack.isEmpty()) {
      BackupEntry b = stack.pop();
      out.add(0, b);
      catalog.children(b.backupId()).forEach(stack::push);
    }
    return out;
  }
}
