/**
 * Who this agent is: the instance id its certificate names. The configured {@code instanceId} must
 * be that one, so an agent never starts under an identity that is not its own.
 */
package io.coffer.agent.identity;
