package io.coffer.bench;

import java.time.Duration;

/**
 * How long and how much each phase runs; {@code quick} is for smoke runs whose figures mean little.
 * Noop gets fewer one-at-a-time calls because each costs several synchronous commits on two
 * journals (milliseconds, not a tenth of one). The 10 s deadline only keeps a stuck call from
 * hanging a phase; no call comes near it.
 */
record Settings(
    int warmupCalls,
    int measuredCalls,
    int noopWarmupCalls,
    int noopMeasuredCalls,
    int callers,
    Duration loadWarmup,
    Duration window,
    Duration idleQuiet,
    int startSamples,
    int payloadBytes,
    long deadlineMillis) {

  static Settings of(
      boolean quick, Integer durationSeconds, Integer startSamples, Integer idleSeconds) {
    Duration window =
        Duration.ofSeconds(durationSeconds != null ? durationSeconds : quick ? 2 : 10);
    int starts = startSamples != null ? startSamples : quick ? 1 : 3;
    // idle: once the JIT has compiled what the start made hot and freed its working memory (about
    // 10 MiB for some seconds after the start)
    Duration idle = Duration.ofSeconds(idleSeconds != null ? idleSeconds : quick ? 2 : 15);
    return quick
        ? new Settings(
            300, 1000, 50, 200, 32, Duration.ofSeconds(1), window, idle, starts, 16, 10_000)
        : new Settings(
            2000, 5000, 200, 1000, 32, Duration.ofSeconds(3), window, idle, starts, 16, 10_000);
  }

  String describe() {
    return String.format(
        "1 caller: %d warm-up + %d measured calls (Noop: %d + %d); %d callers: %d s warm-up + %d s measured;"
            + " %d-byte payload; %d start sample(s)",
        warmupCalls,
        measuredCalls,
        noopWarmupCalls,
        noopMeasuredCalls,
        callers,
        loadWarmup.toSeconds(),
        window.toSeconds(),
        payloadBytes,
        startSamples);
  }
}
