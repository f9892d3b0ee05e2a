package io.coffer.control.gateway;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The event ids each instance's agent reported lately, so that an event the agent sends again (it
 * had no acknowledgement: its stream died first) is journaled once. Kept in memory for the newest
 * {@value #PER_INSTANCE} ids per instance, more than an agent keeps unacknowledged; after a control
 * restart an event re-sent across it may be journaled twice.
 */
final class SeenEvents {
  static final int PER_INSTANCE = 256;

  private final Map<String, LinkedHashSet<String>> seen = new ConcurrentHashMap<>();

  /** True the first time {@code eventId} of {@code instanceId} is seen (lately). */
  boolean firstTime(String instanceId, String eventId) {
    LinkedHashSet<String> ids = seen.computeIfAbsent(instanceId, k -> new LinkedHashSet<>());
    synchronized (ids) {
      if (!ids.add(eventId)) {
        return false;
      }
      if (ids.size() > PER_INSTANCE) {
        ids.remove(ids.iterator().next());
      }
      return true;
    }
  }
}
