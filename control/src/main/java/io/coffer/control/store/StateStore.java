package io.coffer.control.store;

import io.coffer.proto.v1.Command;
import io.coffer.proto.v1.Hello;
import io.coffer.proto.v1.Result;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The control's durable state: the command journal and the instances it has seen. The embedded
 * default is {@link SqliteStateStore}; a shared PostgreSQL store for several control replicas can
 * implement the same interface.
 */
public interface StateStore extends AutoCloseable {

  /** A journaled command. {@code command} is empty once finished (its payload may hold secrets). */
  record StoredCommand(
      String commandId,
      String instanceId,
      String operation,
      State state,
      Optional<Command> command,
      Optional<Result> result,
      Instant created,
      Optional<Instant> finished) {}

  enum State { PENDING, DONE }

  /**
   * Journals a command before it is sent. Durable when it returns.
   *
   * @return the command already journaled under this id, if any (then nothing is written)
   */
  Optional<StoredCommand> insertIfAbsent(String instanceId, String operation, Command command, Instant now);

  Optional<StoredCommand> find(String commandId);

  /**
   * Records a command's result and forgets its payload. A second result for the same id is ignored.
   *
   * @return true when this call finished the command
   */
  boolean complete(String commandId, Result result, Instant now);

  /** Commands of {@code instanceId} still waiting for a result, oldest first. */
  List<StoredCommand> pending(String instanceId);

  /** Forgets finished commands older than {@code cutoff}. */
  int prune(Instant cutoff);

  /** Remembers an instance and its latest Hello, so it stays known across control restarts. */
  void saveInstance(String instanceId, Hello hello, Instant now);

  /** Instances seen so far with their latest Hello. */
  List<KnownInstance> instances();

  record KnownInstance(String instanceId, Hello hello, Instant lastConnected) {}

  @Override
  void close();
}
