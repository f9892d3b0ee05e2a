/**
 * Backups as plugins see them: the {@link io.coffer.spi.backup.BackupStrategy} that produces and
 * consumes the engine's byte stream, the {@link io.coffer.spi.backup.BackupManifest} describing a
 * completed backup, and {@link io.coffer.spi.backup.LogArchiving} for engines with a log to replay.
 * JDK types only; storage, compression, encryption and checksums are the runtime's job.
 */
package io.coffer.spi.backup;
