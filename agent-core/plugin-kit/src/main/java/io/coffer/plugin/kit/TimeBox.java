package io.coffer.plugin.kit;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Bounds the time a caller waits for the server, whatever the driver does (connecting, logging in,
 * running a statement; MariaDB Connector/J ignores its timeouts on UNIX sockets): the work runs on
 * one worker thread, and while an earlier call is still stuck, new calls fail at once rather than
 * pile up. Probes must answer within a second even when the server hangs. The worker's context
 * class loader is the one that loaded this class, i.e. the plugin's.
 */
public final class TimeBox implements AutoCloseable {

  private final ExecutorService executor;
  private Future<?> inFlight;

  public TimeBox(String threadName) {
    ClassLoader pluginLoader = TimeBox.class.getClassLoader();
    executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              t.setContextClassLoader(pluginLoader);
              return t;
            });
  }

  public synchronized <T> T call(Callable<T> task, Duration limit) throws Exception {
    if (inFlight != null && !inFlight.isDone()) {
      throw new TimeoutException("an earlier request to the server is still unanswered");
    }
    Future<T> future = executor.submit(task);
    inFlight = future;
    try {
      return future.get(limit.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    } catch (TimeoutException e) {
      throw new TimeoutException("the server did not answer within " + limit.toMillis() + " ms");
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
