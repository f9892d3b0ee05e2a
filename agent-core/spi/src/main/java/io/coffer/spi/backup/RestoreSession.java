package io.coffer.spi.backup;

import java.io.IOException;
import java.io.InputStream;

/**
 * One restore in progress: stage every backup of the chain, then install. Staging happens beside
 * the instance (in the scratch directory) and must not change it; only {@link #install} does.
 */
public interface RestoreSession extends AutoCloseable {

  /**
   * Consumes one backup's engine stream to its end (e.g. extracts it into the scratch directory).
   * Called once per backup of the chain, in chain order.
   *
   * @throws IOException from the stream, including the runtime's integrity errors (a corrupt or
   *     unauthentic backup), or when the tool fails
   */
  void stage(BackupManifest backup, InputStream stream) throws IOException;

  /**
   * Makes the staged backup the instance's data (e.g. prepare, stop the server, copy back, start it
   * again). On failure it puts the instance back as it was where it can (it was empty), and says so
   * in the error.
   *
   * @param server stops and starts the supervised server, for engines that install offline
   */
  void install(ServerControl server) throws IOException;

  /** Releases resources (kills tools still running); the runtime removes the scratch directory. */
  @Override
  void close();
}
