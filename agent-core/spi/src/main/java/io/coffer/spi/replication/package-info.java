/**
 * Replication as plugins see it: the {@link io.coffer.spi.replication.ReplicationStrategy} a plugin
 * declaring {@link io.coffer.spi.Capability#REPLICATION} provides. The control runs the workflows
 * (create a replica from a backup, switchover, failover); each step is one strategy call on one
 * instance. JDK types only.
 */
package io.coffer.spi.replication;
