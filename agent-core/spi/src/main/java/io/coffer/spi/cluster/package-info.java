/**
 * Clusters that shard data across instances (Redis Cluster): create one from several instances,
 * grow it by a node, shrink it by a node, and report its state. The control composes these steps;
 * each is idempotent.
 */
package io.coffer.spi.cluster;
