package io.coffer.spi.cluster;

import java.util.List;

/**
 * A cluster as one of its nodes sees it (Redis: {@code CLUSTER INFO} and {@code CLUSTER NODES};
 * Galera: the {@code wsrep_*} status variables, <a
 * href="https://mariadb.com/kb/en/galera-cluster-status-variables/">Galera status variables</a>).
 *
 * @param enabled whether this instance runs in cluster mode at all
 * @param state Redis: {@code ok} when every slot is served, {@code fail} otherwise; Galera: {@code
 *     wsrep_cluster_status} ({@code Primary} when the node's component has quorum)
 * @param slotsAssigned slots assigned to some node (16384 in a complete Redis Cluster; 0 for
 *     Galera)
 * @param slotsOk assigned slots whose node is reachable
 * @param nodes every node known, this one included
 * @param nodeState this node's own state (Galera: {@code wsrep_local_state_comment}, e.g. {@code
 *     Synced}; Redis: the same as {@code state})
 * @param size members this node counts (Galera: {@code wsrep_cluster_size})
 */
public record ClusterStatus(
    boolean enabled,
    String state,
    int slotsAssigned,
    int slotsOk,
    List<ClusterNode> nodes,
    String nodeState,
    int size) {
  public ClusterStatus {
    nodes = List.copyOf(nodes);
  }
}
