package io.coffer.agent.backup;

/**
 * Progress of a backup or restore job as the control shows it, and whether the caller cancelled it.
 * Called from the job's thread; must return quickly and not throw.
 */
@FunctionalInterface
public interface JobProgress {
  /**
   * @param bytes engine bytes processed so far
   * @param totalBytes bytes the whole job will process, or -1 when not known in advance (a backup)
   */
  void report(long bytes, long totalBytes);

  /**
   * Whether the job should stop: a backup then fails (nothing kept); a restore stops before it
   * changes the instance.
   */
  default boolean cancelled() {
    return false;
  }

  JobProgress NONE = (bytes, total) -> {};
}
