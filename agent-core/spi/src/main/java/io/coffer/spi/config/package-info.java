/**
 * Server configuration: the parameters a user may tune, the engine's rules for each (type, bounds,
 * allowed values, whether a change needs a restart), and applying a change atomically. The runtime
 * validates nothing itself: rules differ per engine and per version, so the plugin reads them from
 * the running server where the engine publishes them (PostgreSQL's {@code pg_settings}, MariaDB's
 * {@code information_schema.SYSTEM_VARIABLES}) and the plugin kit's {@code ParameterCheck} applies
 * them.
 */
package io.coffer.spi.config;
