package io.coffer.tck;

/**
 * A client of a cluster, for the cluster suite: writes through one member, reads through another.
 * For a sharded engine "through a member" means a cluster-aware client seeded with that member.
 */
public interface ClusterData extends AutoCloseable {

  /**
   * Writes {@code value} under {@code key}, connected through {@code member}; durable once it
   * returns.
   */
  void write(String member, String key, String value) throws Exception;

  /** The value under {@code key} read through {@code member}, or null when there is none. */
  String read(String member, String key) throws Exception;

  /** Adds a member the client may use (after a grow). */
  default void memberAdded(String member, int port) throws Exception {}

  @Override
  default void close() throws Exception {}
}
