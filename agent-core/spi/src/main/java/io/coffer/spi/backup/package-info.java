/**
 * Backups as plugins see them: the {@link io.coffer.spi.backup.BackupStorage} extension point
 * (where backup objects live) and the {@link io.coffer.spi.backup.BackupManifest} describing a
 * completed backup. JDK types only; compression, encryption and checksums are the runtime's job.
 */
package io.coffer.spi.backup;
