package io.coffer.spi.backup;

import java.time.Duration;

/**
 * Lets a restore take the supervised server down and bring it back. While stopped, the runtime does
 * not restart the server on its own.
 */
public interface ServerControl {

  /**
   * Stops the server (clean shutdown, SIGKILL after the engine's stop timeout) and returns once it
   * is gone.
   */
  void stop();

  /**
   * Stops the server at once (SIGKILL: no shutdown, so it answers no client again) and returns once
   * it is gone; it stays down until {@link #start}. For a fence that must not let the server
   * acknowledge one more commit (e.g. commits waiting for a replica that will not answer). The
   * engine recovers on its next start as after a crash. The default stops it cleanly.
   */
  default void stopNow() {
    stop();
  }

  /**
   * Starts the server again (running the plugin's prepare first) and waits until it is ready.
   *
   * @throws io.coffer.spi.DatastoreException UNAVAILABLE when it is not ready within {@code
   *     timeout}
   */
  void start(Duration timeout);
}
