package io.coffer.control.broker;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Caps what callers may have waiting on one instance, in commands and in bytes, so an agent that
 * stops reading cannot make the control hold an unbounded amount of memory. Past the cap, new
 * commands are refused with RESOURCE_EXHAUSTED before anything is journaled.
 */
final class InFlightBudget {
  private final int maxCommands;
  private final long maxBytes;
  private final ConcurrentMap<String, long[]> used = new ConcurrentHashMap<>();

  InFlightBudget(int maxCommands, long maxBytes) {
    this.maxCommands = maxCommands;
    this.maxBytes = maxBytes;
  }

  boolean tryAcquire(String instanceId, long bytes) {
    long[] u = used.computeIfAbsent(instanceId, k -> new long[2]);
    synchronized (u) {
      if (u[0] + 1 > maxCommands || u[1] + bytes > maxBytes) {
        return false;
      }
      u[0]++;
      u[1] += bytes;
      return true;
    }
  }

  void release(String instanceId, long bytes) {
    long[] u = used.get(instanceId);
    if (u != null) {
      synchronized (u) {
        u[0]--;
        u[1] -= bytes;
      }
    }
  }
}
