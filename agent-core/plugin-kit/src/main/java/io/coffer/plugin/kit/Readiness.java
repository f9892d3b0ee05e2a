package io.coffer.plugin.kit;

import io.coffer.spi.DatastoreException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Polls a check until it passes or a deadline expires. */
public final class Readiness {

  /** One readiness attempt; throws when the server is not ready yet. */
  @FunctionalInterface
  public interface Check {
    void run(Duration limit) throws Exception;
  }

  private static final Duration ATTEMPT_LIMIT = Duration.ofSeconds(2);
  private static final long PAUSE_MILLIS = 100;

  private Readiness() {}

  /**
   * @throws DatastoreException UNAVAILABLE with the last failure when {@code timeout} expires
   */
  public static void await(Duration timeout, String what, Check check) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (true) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        String why = last == null ? "" : ": " + last.getMessage();
        throw DatastoreException.unavailable(
            what + " is not ready after " + timeout.toSeconds() + " s" + why, last);
      }
      try {
        check.run(Duration.ofNanos(Math.min(remaining, ATTEMPT_LIMIT.toNanos())));
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw DatastoreException.unavailable("interrupted while waiting for " + what, e);
      } catch (Exception e) {
        last = e;
      }
      try {
        TimeUnit.MILLISECONDS.sleep(PAUSE_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw DatastoreException.unavailable("interrupted while waiting for " + what, e);
      }
    }
  }
}
