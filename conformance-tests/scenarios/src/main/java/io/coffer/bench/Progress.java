package io.coffer.bench;

/** Progress lines on stderr, so that stdout carries only the report. */
final class Progress {
  private static final long STARTED = System.nanoTime();

  private Progress() {}

  static void log(String message) {
    System.err.printf("[%6.1f s] %s%n", (System.nanoTime() - STARTED) / 1e9, message);
  }
}
