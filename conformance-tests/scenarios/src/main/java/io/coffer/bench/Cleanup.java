package io.coffer.bench;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Everything the benchmark started, closed in reverse order exactly once: at the end of the run, on
 * failure, or from a shutdown hook on Ctrl-C (the hook waits for a close already under way instead
 * of letting the JVM exit halfway through it).
 */
final class Cleanup implements AutoCloseable {
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private boolean closed;

  synchronized <T extends AutoCloseable> T add(T resource) {
    if (closed) {
      closeQuietly(resource);
      throw new IllegalStateException("shutting down");
    }
    resources.push(resource);
    return resource;
  }

  /** Closes on JVM shutdown too (SIGINT, SIGTERM). */
  Cleanup onShutdown() {
    Runtime.getRuntime().addShutdownHook(new Thread(this::close, "bench-cleanup"));
    return this;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    while (!resources.isEmpty()) {
      closeQuietly(resources.pop());
    }
  }

  private static void closeQuietly(AutoCloseable resource) {
    try {
      resource.close();
    } catch (Exception e) {
      System.err.println("cleanup: " + e);
    }
  }
}
