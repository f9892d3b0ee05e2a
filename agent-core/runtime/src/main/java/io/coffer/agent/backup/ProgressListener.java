package io.coffer.agent.backup;

/**
 * Receives progress of a backup or restore, from the thread doing the work, roughly every {@link
 * BackupPipeline#PROGRESS_INTERVAL} bytes and once at the end. Must return quickly and not throw.
 */
@FunctionalInterface
public interface ProgressListener {
  /**
   * @param rawBytes engine (plaintext, uncompressed) bytes processed so far
   * @param storedBytes bytes written to storage so far; -1 during restore (not tracked)
   */
  void onProgress(long rawBytes, long storedBytes);

  ProgressListener NONE = (raw, stored) -> {};
}
