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

  /**
   * A journaled command. {@code command} is empty once finished (its payload may hold secrets).
   *
   * @param requestDigest the keyed digest of the request (see {@code RequestDigests}); empty for a
   *     command journaled by a control that did not record one
   */
  record StoredCommand(
      String commandId,
      String instanceId,
      String operation,
      State state,
      Optional<Command> command,
      Optional<Result> result,
      Instant created,
      Optional<Instant> finished,
      Optional<byte[]> requestDigest) {}

  enum State {
    PENDING,
    DONE
  }

  /**
   * Journals a command before it is sent, its payload never in plaintext. Durable when it returns.
   *
   * @param requestDigest the keyed digest of the request, compared when the id is reused
   * @return the command already journaled under this id, if any (then nothing is written)
   */
  Optional<StoredCommand> insertIfAbsent(
      String instanceId, String operation, Command command, byte[] requestDigest, Instant now);

  Optional<StoredCommand> find(String commandId);

  /**
   * Records a command's result and forgets its payload, erased from the files (not only unlinked
   * from the row). A second result for the same id is ignored.
   *
   * @return true when this call finished the command
   */
  boolean complete(String commandId, Result result, Instant now);

  /** Commands of {@code instanceId} still waiting for a result, oldest first. */
  List<StoredCommand> pending(String instanceId);

  /** Forgets finished commands older than {@code cutoff}. */
  int prune(Instant cutoff);

  /** Remembers an instance and its latest Hello, so it stays known across control restarts. */
  void saveInstance(String instanceId, Hello hello, Instant now, KnownCertificate certificate);

  /**
   * Records the certificate an instance's agent renewed to (it connects with it next); nothing when
   * the instance is unknown.
   */
  void saveCertificate(String instanceId, KnownCertificate certificate);

  /** Instances seen so far with their latest Hello. */
  List<KnownInstance> instances();

  /**
   * @param certificate the certificate its agent holds, as far as the control knows (from its last
   *     connection or renewal)
   */
  record KnownInstance(
      String instanceId,
      Hello hello,
      Instant lastConnected,
      Optional<KnownCertificate> certificate) {}

  /** An agent certificate: serial in lower-case hex, and its end. */
  record KnownCertificate(String serial, Instant notAfter) {}

  @Override
  void close();
}
