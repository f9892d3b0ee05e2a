package io.coffer.spi.cluster;

/**
 * One node as the cluster sees it.
 *
 * @param nodeId the engine's node id (Redis: 40 hex characters)
 * @param address where it listens
 * @param primary whether it serves slots (a replica follows {@code primaryId})
 * @param primaryId the primary a replica follows; empty for a primary
 * @param slots hash slots it serves
 * @param connected whether the node answering sees it as connected
 */
public record ClusterNode(
    String nodeId,
    NodeAddress address,
    boolean primary,
    String primaryId,
    int slots,
    boolean connected) {}
