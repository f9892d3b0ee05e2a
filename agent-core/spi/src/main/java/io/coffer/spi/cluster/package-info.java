/**
 * Clusters of instances, sharded (Redis Cluster) or synchronous multi-primary (MariaDB Galera):
 * create one from several instances, grow it by a node, shrink it by a node, and report its state.
 * The control composes these steps; each is idempotent.
 */
package io.coffer.spi.cluster;
