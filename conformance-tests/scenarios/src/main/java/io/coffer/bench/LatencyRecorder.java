package io.coffer.bench;

import java.util.Arrays;

/**
 * Round-trip times in nanoseconds, kept exactly (a growable long[] sorted once at the end): a few
 * hundred thousand samples at most, so exact percentiles cost less than a histogram's setup. Not
 * thread-safe: one recorder per caller, merged afterwards.
 */
final class LatencyRecorder {
  private long[] samples = new long[1024];
  private int size;

  void record(long nanos) {
    if (size == samples.length) {
      samples = Arrays.copyOf(samples, size * 2);
    }
    samples[size++] = nanos;
  }

  void addAll(LatencyRecorder other) {
    for (int i = 0; i < other.size; i++) {
      record(other.samples[i]);
    }
  }

  int size() {
    return size;
  }

  /** p50 and p99 (nearest rank) of what was recorded. */
  Latency summary() {
    if (size == 0) {
      return new Latency(0, 0, 0);
    }
    long[] sorted = Arrays.copyOf(samples, size);
    Arrays.sort(sorted);
    return new Latency(rank(sorted, 0.50), rank(sorted, 0.99), size);
  }

  private static long rank(long[] sorted, double p) {
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(i, sorted.length - 1))];
  }

  /** Percentiles of one measurement, in nanoseconds. */
  record Latency(long p50Nanos, long p99Nanos, int samples) {
    double p50Millis() {
      return p50Nanos / 1e6;
    }

    double p99Millis() {
      return p99Nanos / 1e6;
    }
  }
}
