package io.coffer.bench;

import com.google.common.util.concurrent.ListenableFuture;

/**
 * One kind of unary round trip, in the two shapes the load runner drives: blocking (one caller at a
 * time, for latency) and asynchronous (many in flight from few threads, for throughput, so that the
 * benchmark client does not need 32 threads competing with the servers for the machine's cores).
 */
interface Call {
  /** One call; throws on any non-OK status. */
  void blocking() throws Exception;

  /** One call; the future fails on any non-OK status. */
  ListenableFuture<?> async();
}
