package io.coffer.spi.cluster;

import io.coffer.spi.Secret;
import java.util.List;

/**
 * How an engine forms a sharded cluster ({@link io.coffer.spi.Capability#CLUSTER}). The control
 * first makes the cluster account exist with the same password on every node ({@link #prepareNode}),
 * then asks one node to act: the engine's tools reach the other nodes with that account.
 *
 * <p>Errors are {@link io.coffer.spi.DatastoreException}s: FAILED_PRECONDITION when an instance is
 * not in cluster mode, not empty, or not (or already) a member; INVALID_ARGUMENT naming the field;
 * INTERNAL with the tool's output.
 */
public interface ClusterStrategy {

  /** Makes the cluster account exist with exactly this password; the instance must run in cluster mode. */
  void prepareNode(String user, Secret password);

  /**
   * Creates a cluster of {@code nodes} (this instance among them), slots spread evenly over the
   * primaries, and returns once every node reports the cluster ok. Idempotent: a cluster of
   * exactly these nodes already formed changes nothing.
   *
   * @param replicasPerPrimary replicas given to each primary from the nodes (0 for primaries only)
   */
  void create(List<NodeAddress> nodes, int replicasPerPrimary, String user, Secret password);

  /** Adds an empty node to this instance's cluster as a primary and moves slots (with their keys) to it. */
  void add(NodeAddress node, String user, Secret password);

  /** Moves every slot (with its keys) off {@code node}, then removes it from this instance's cluster. */
  void remove(NodeAddress node, String user, Secret password);

  /** The cluster as this node sees it; must answer within a second and never throw. */
  ClusterStatus status();
}
