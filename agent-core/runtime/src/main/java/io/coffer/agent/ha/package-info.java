/**
 * The agent's part in high availability: the replication group's term (refusing commands of an
 * older one) and the primary's lease, which the agent lets fence its own server when it can no
 * longer renew it, before the control may promote anything else.
 */
package io.coffer.agent.ha;
