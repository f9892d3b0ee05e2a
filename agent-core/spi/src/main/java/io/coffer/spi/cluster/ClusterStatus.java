package io.coffer.spi.cluster;

import java.util.List;

/**
 * A cluster as one of its nodes sees it (Redis: {@code CLUSTER INFO} and {@code CLUSTER NODES}).
 *
 * @param enabled whether this instance runs in cluster mode at all
 * @param state {@code ok} when every slot is served, {@code fail} otherwise
 * @param slotsAssigned slots assigned to some node (16384 in a complete Redis Cluster)
 * @param slotsOk assigned slots whose node is reachable
 * @param nodes every node known, this one included
 */
public record ClusterStatus(boolean enabled, String state, int slotsAssigned, int slotsOk, List<ClusterNode> nodes) {
  public ClusterStatus {
    nodes = List.copyOf(nodes);
  }
}
