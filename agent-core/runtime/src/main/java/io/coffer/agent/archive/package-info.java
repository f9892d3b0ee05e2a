/**
 * Continuous log archiving (PostgreSQL WAL, MariaDB binary logs) for point-in-time restores: the
 * archiver thread that stores each completed log file ({@link
 * io.coffer.agent.archive.LogArchiver}), the object format of an archived file ({@link
 * io.coffer.agent.archive.LogObject}), the keys ({@link io.coffer.agent.archive.ArchiveKeys}) and
 * the fetch of a restore ({@link io.coffer.agent.archive.LogFetch}).
 */
package io.coffer.agent.archive;
