package io.coffer.agent.channel;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"):
 * the n-th wait is uniform in [0, min(cap, base * 2^n)], so a fleet of agents reconnecting after a
 * control restart spreads out instead of arriving together.
 */
final class Backoff {
  private final Duration base;
  private final Duration cap;
  private int attempt;

  Backoff(Duration base, Duration cap) {
    this.base = base;
    this.cap = cap;
  }

  Duration next() {
    long ceiling = Math.min(cap.toMillis(), base.toMillis() << Math.min(attempt, 20));
    attempt++;
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling + 1));
  }

  void reset() {
    attempt = 0;
  }
}
