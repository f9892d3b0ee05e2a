/**
 * High availability: detection (missed heartbeats, a datastore down, and the replicas' own view of
 * their primary), the primary's lease and terms, automatic failover and repair, each step of which
 * is a journaled workflow. {@link io.coffer.control.ha.HaMonitor} tells the whole story as one
 * loop.
 */
package io.coffer.control.ha;
