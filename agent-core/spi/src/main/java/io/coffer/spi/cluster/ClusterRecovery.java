package io.coffer.spi.cluster;

import java.util.List;

/**
 * A node's place in its cluster's history, for a whole-cluster recovery ({@link
 * ClusterStrategy#recovery}).
 *
 * @param history the cluster's history id (Galera: the state UUID of {@code grastate.dat}); the
 *     nodes of one cluster share it
 * @param seqno the last transaction this node committed in that history; -1 when unknown
 * @param safeToBootstrap Galera's {@code safe_to_bootstrap}: this node left the cluster last,
 *     cleanly
 * @param primary the node is in a Primary component now: the cluster runs, nothing to bootstrap
 * @param members the cluster's members as this node knows them, itself included; the client port is
 *     0 where only the peer port is known (Galera's {@code wsrep_cluster_address})
 */
public record ClusterRecovery(
    String history,
    long seqno,
    boolean safeToBootstrap,
    boolean primary,
    List<NodeAddress> members) {
  public ClusterRecovery {
    members = List.copyOf(members);
  }
}
