/**
 * Notices: the control's journal of what happened ({@link io.coffer.control.events.Events}),
 * sequence-numbered and kept 7 days, watched northbound from any sequence, and pushed to webhooks
 * at least once ({@link io.coffer.control.events.WebhookDispatcher}). Anything may publish; nothing
 * published waits for a watcher.
 */
package io.coffer.control.events;
