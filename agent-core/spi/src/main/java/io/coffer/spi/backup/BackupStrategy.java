package io.coffer.spi.backup;

import java.util.Set;

/**
 * How an engine backs itself up and restores itself, as byte streams. The runtime drives it:
 *
 * <ul>
 *   <li><b>Backup</b>: {@link #open} starts the engine's tool; the runtime reads {@link
 *       BackupSource#stream()} to its end through the pipeline (zstd, encryption, SHA-256,
 *       storage), then calls {@link BackupSource#finish()}, and writes the manifest only when that
 *       succeeds. On failure or cancel it calls {@link BackupSource#close()}, which must kill the
 *       tool.
 *   <li><b>Restore</b>: {@link #restore} checks that the instance is empty and returns a session;
 *       the runtime feeds it every backup of the chain (full first, then incrementals in order)
 *       with {@link RestoreSession#stage}, each stream already verified, then calls {@link
 *       RestoreSession#install}. Staging must not change the instance, so a corrupt or unauthentic
 *       backup (detected while staging) leaves it untouched.
 * </ul>
 *
 * <p>Methods block and run on the runtime's mutation lane, one job at a time per instance. {@link
 * #open} and {@link #restore} reject requests with {@link io.coffer.spi.DatastoreException}s
 * (INVALID_ARGUMENT, FAILED_PRECONDITION); inside {@link BackupSource} and {@link RestoreSession},
 * failures are {@link java.io.IOException}s (the streams', or a tool's, carrying its exit status
 * and output tail).
 */
public interface BackupStrategy {

  /** The backup types this engine can take, e.g. FULL, INCREMENTAL and LOGICAL for MariaDB. */
  Set<BackupType> types();

  /**
   * Starts a backup of the running server.
   *
   * @throws io.coffer.spi.DatastoreException INVALID_ARGUMENT (field {@code type}) for a type not
   *     in {@link #types()}, or (field {@code parent_id}) when the parent cannot be the base of an
   *     incremental backup (wrong engine, a logical backup, positions missing); INTERNAL when the
   *     tool cannot be started
   */
  BackupSource open(BackupRequest request);

  /**
   * Starts a restore into this instance, which must be empty (no user databases or accounts).
   *
   * @throws io.coffer.spi.DatastoreException FAILED_PRECONDITION when the instance is not empty;
   *     INVALID_ARGUMENT (field {@code backup_id}) when the chain is not restorable here (another
   *     engine, an incompatible engine version)
   */
  RestoreSession restore(RestoreRequest request);
}
