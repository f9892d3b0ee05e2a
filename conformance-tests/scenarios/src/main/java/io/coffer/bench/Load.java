package io.coffer.bench;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import io.coffer.bench.LatencyRecorder.Latency;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Drives a {@link Call}: one caller at a time for latency, or a closed loop of N callers for
 * throughput.
 */
final class Load {
  private Load() {}

  /** Told when the measurement window of a closed loop opens and closes (after the warm-up). */
  interface WindowListener {
    void opened();

    void closed();
  }

  /**
   * Outcome of a closed-loop run: completed calls per second inside the window, and their latency.
   */
  record Throughput(
      double callsPerSecond, long calls, long errors, Latency latency, String firstError) {}

  /**
   * Latency with a single caller: {@code warmup} unrecorded calls (JIT, connection, TLS session),
   * then {@code measured} recorded ones. Any failure aborts: a latency figure over failed calls
   * would be meaningless.
   */
  static Latency sequential(Call call, int warmup, int measured) throws Exception {
    for (int i = 0; i < warmup; i++) {
      call.blocking();
    }
    LatencyRecorder recorder = new LatencyRecorder();
    for (int i = 0; i < measured; i++) {
      long t0 = System.nanoTime();
      call.blocking();
      recorder.record(System.nanoTime() - t0);
    }
    return recorder.summary();
  }

  /**
   * {@code callers} independent chains, each issuing its next call as soon as the previous one
   * completes (a closed loop, like 32 blocking clients but without 32 threads). Runs unmeasured for
   * {@code warmup}, then counts completions within {@code window}, then waits for the calls still
   * in flight so that nothing outlives the phase.
   */
  static Throughput closedLoop(
      Call call, int callers, Duration warmup, Duration window, WindowListener listener)
      throws InterruptedException {
    ClosedLoop loop = new ClosedLoop(call, callers);
    loop.start();
    Thread.sleep(warmup.toMillis());
    listener.opened();
    long windowStart = System.nanoTime();
    loop.measuring = true;
    Thread.sleep(window.toMillis());
    loop.measuring = false;
    long windowEnd = System.nanoTime();
    listener.closed();
    loop.stopping = true;
    loop.awaitDrained(Duration.ofSeconds(60));
    long calls = loop.completed.sum();
    if (calls == 0) {
      throw new IllegalStateException(
          "no call succeeded during the measurement window; first error: " + loop.firstError.get());
    }
    LatencyRecorder all = new LatencyRecorder();
    loop.chains.forEach(c -> all.addAll(c.recorder));
    return new Throughput(
        calls / ((windowEnd - windowStart) / 1e9),
        calls,
        loop.errors.sum(),
        all.summary(),
        loop.firstError.get());
  }

  private static final class ClosedLoop {
    private final Call call;
    private final List<Chain> chains = new ArrayList<>();
    private final CountDownLatch drained;

    /**
     * Re-issues after a failure with a short pause: an immediate failure would otherwise recurse
     * and spin.
     */
    private final ScheduledExecutorService retry =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "bench-retry");
              t.setDaemon(true);
              return t;
            });

    private final LongAdder completed = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private volatile boolean measuring;
    private volatile boolean stopping;

    ClosedLoop(Call call, int callers) {
      this.call = call;
      this.drained = new CountDownLatch(callers);
      for (int i = 0; i < callers; i++) {
        chains.add(new Chain());
      }
    }

    void start() {
      chains.forEach(Chain::issue);
    }

    void awaitDrained(Duration timeout) throws InterruptedException {
      boolean done = drained.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
      retry.shutdownNow();
      if (!done) {
        throw new IllegalStateException(
            "calls still in flight " + timeout + " after the end of the phase");
      }
    }

    /** One caller: its calls never overlap, so its recorder needs no locking. */
    private final class Chain implements FutureCallback<Object> {
      private final LatencyRecorder recorder = new LatencyRecorder();
      private long started;

      void issue() {
        if (stopping) {
          drained.countDown();
          return;
        }
        started = System.nanoTime();
        Futures.addCallback(call.async(), this, MoreExecutors.directExecutor());
      }

      @Override
      public void onSuccess(Object result) {
        long elapsed = System.nanoTime() - started;
        if (measuring) {
          completed.increment();
          recorder.record(elapsed);
        }
        issue();
      }

      @Override
      public void onFailure(Throwable t) {
        if (measuring) {
          errors.increment();
        }
        firstError.compareAndSet(null, String.valueOf(t));
        retry.schedule(this::issue, 1, TimeUnit.MILLISECONDS);
      }
    }
  }
}
