/**
 * Server configuration through {@code ALTER SYSTEM}: the rules of each settable parameter come from
 * the running server's {@code pg_settings} (type, bounds, unit, allowed values, and {@code
 * context}, where {@code postmaster} means a restart is needed), so they always match its version
 * (<a href="https://www.postgresql.org/docs/15/view-pg-settings.html">pg_settings</a>, <a
 * href="https://www.postgresql.org/docs/15/sql-altersystem.html">ALTER SYSTEM</a>).
 */
package io.coffer.plugin.postgresql.config;
