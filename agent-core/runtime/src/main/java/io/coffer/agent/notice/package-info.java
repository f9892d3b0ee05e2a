/**
 * The agent's own warnings to the control ({@code AgentEvent} frames): a data volume filling up
 * ({@code storage_nearly_full}) and its certificate nearing its end ({@code
 * certificate_near_expiry}), with the figures also in every heartbeat.
 */
package io.coffer.agent.notice;
