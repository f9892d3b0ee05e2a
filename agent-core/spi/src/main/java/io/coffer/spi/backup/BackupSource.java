package io.coffer.spi.backup;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * A running backup tool: its output stream, what it is, and its outcome. Not thread-safe; the
 * runtime reads the stream on one thread and may call {@link #close()} from another to cancel.
 */
public interface BackupSource extends AutoCloseable {

  /** The engine's backup bytes (e.g. the tool's stdout); the runtime reads it to its end. */
  InputStream stream();

  /** Tool name recorded in the manifest, e.g. {@code "mariabackup"}, {@code "mariadb-dump"}. */
  String tool();

  /** Tool version as it prints it, e.g. {@code "10.11.6-MariaDB"}. */
  String toolVersion();

  /**
   * Called once the stream reached its end: waits for the tool to exit and checks that it
   * succeeded, so a tool that died mid-way can never yield a COMPLETED backup.
   *
   * @return the consistent point of the backup, keyed by the {@code POSITION_*} constants of {@link
   *     BackupManifest} (engine-specific keys allowed); empty when unknown
   * @throws IOException when the tool failed; the message carries its exit status and output tail
   */
  Map<String, String> finish() throws IOException;

  /** Kills the tool if it still runs and releases resources; idempotent, never throws. */
  @Override
  void close();
}
