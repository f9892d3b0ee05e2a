package io.coffer.spi.replication;

import io.coffer.spi.Secret;
import io.coffer.spi.backup.ServerControl;
import java.time.Duration;

/**
 * How an engine replicates, one step per method, each idempotent (the control may repeat a step
 * after a restart). The control composes them:
 *
 * <ul>
 *   <li><b>create a replica</b>: {@link #prepareSource} on the source; a full backup of the source
 *       restored into the new instance; {@link #attach} on it, from the backup's positions;
 *   <li><b>switchover</b> (zero loss): {@link #fence} the source, {@link #awaitPosition} on the
 *       replica, {@link #promote} it, {@link #attach} the others and the old source to it;
 *   <li><b>failover</b> (source gone): {@link #status} on every replica, {@link #promote} the most
 *       advanced one, {@link #attach} the others to it.
 * </ul>
 *
 * <p>Errors are {@link io.coffer.spi.DatastoreException}s: INVALID_ARGUMENT naming the field,
 * FAILED_PRECONDITION when the instance is not in the role the step needs, UNAVAILABLE when the
 * source cannot be reached, INTERNAL with the engine's error.
 *
 * <p>Steps that change the role of an engine that must restart for it (PostgreSQL becomes a standby
 * only through a restart with {@code standby.signal}) get the runtime's {@link ServerControl};
 * while the step has the server stopped, the runtime does not restart it on its own.
 */
public interface ReplicationStrategy {

  /**
   * Makes the dedicated replication account exist with exactly this password and only the
   * privileges replication needs (never a superuser), and makes the server able to serve replicas
   * (e.g. the binary log). Repeating it with a new password rotates the password.
   */
  void prepareSource(String user, Secret password);

  /**
   * From now on, a commit on this source returns only once a replica has it, so that a failover to
   * the most advanced replica loses no acknowledged commit. Called after a replica attached with
   * {@link ReplicationSource#semiSync()} follows. The default does nothing, for engines whose
   * replicas ask for it themselves (MariaDB's semi-synchronous replication).
   */
  default void requireSynchronousReplica() {}

  /**
   * Replicates from {@code source}, read-only, starting at {@code source.positions()} (the
   * consistent point of the backup this instance was restored from) or, for an instance that
   * already replicated (repointing after a promote), where it stands. Idempotent: attaching to the
   * source it already follows changes nothing.
   *
   * @param server to restart the server where the engine needs it
   */
  void attach(ReplicationSource source, ServerControl server);

  /** Where this instance stands; must answer within a second and never throw. */
  ReplicationStatus status();

  /**
   * Stops accepting writes (read-only for every account the engine allows) and returns the position
   * of the last committed transaction, for a replica to {@link #awaitPosition} before it is
   * promoted. Idempotent. A fence outlives restarts of the server and of the agent, until {@link
   * #promote} or {@link #attach}.
   *
   * @param server to restart the server where the engine needs it
   */
  String fence(ServerControl server);

  /**
   * Blocks until this replica has applied everything up to {@code position} (as {@link #fence}
   * returned it).
   *
   * @throws io.coffer.spi.DatastoreException UNAVAILABLE when not reached within {@code timeout}
   */
  void awaitPosition(String position, Duration timeout);

  /**
   * Stops replicating, forgets the source and accepts writes: this instance becomes a primary.
   * Idempotent; on a primary it only lifts a {@link #fence}.
   */
  void promote();
}
