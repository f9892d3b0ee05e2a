package io.coffer.agent.notice;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How full the data directory's volume is, and whether that is worth a warning: once when it
 * reaches the threshold, then again only after it went back below the threshold minus 5 points (so
 * a volume hovering at the line does not warn at every check).
 */
final class StorageCheck {
  private static final int REARM_POINTS = 5;

  private final Path dataDir;
  private final int thresholdPercent;
  private boolean warned;

  /**
   * One reading: {@code usedPercent} of {@code totalBytes}, {@code freeBytes} left to unprivileged
   * users.
   */
  record Reading(Path volumeOf, double usedPercent, long totalBytes, long freeBytes) {}

  StorageCheck(Path dataDir, int thresholdPercent) {
    this.dataDir = dataDir;
    this.thresholdPercent = thresholdPercent;
  }

  /** The volume now; empty when the directory does not exist yet or cannot be read. */
  Optional<Reading> read() {
    try {
      Path existing = dataDir;
      while (existing != null && !Files.exists(existing)) {
        existing = existing.getParent();
      }
      if (existing == null) {
        return Optional.empty();
      }
      FileStore store = Files.getFileStore(existing);
      long total = store.getTotalSpace();
      if (total <= 0) {
        return Optional.empty();
      }
      long free = store.getUsableSpace();
      return Optional.of(new Reading(dataDir, 100.0 * (total - free) / total, total, free));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The reading, when it crosses the threshold now (and was not reported yet). */
  synchronized Optional<Reading> due(Reading r) {
    if (r.usedPercent() >= thresholdPercent) {
      if (warned) {
        return Optional.empty();
      }
      warned = true;
      return Optional.of(r);
    }
    if (r.usedPercent() < thresholdPercent - REARM_POINTS) {
      warned = false;
    }
    return Optional.empty();
  }

  static Map<String, String> details(Reading r, int thresholdPercent) {
    return Map.of(
        "path",
        r.volumeOf().toString(),
        "used_percent",
        String.format(Locale.ROOT, "%.1f", r.usedPercent()),
        "free_bytes",
        Long.toString(r.freeBytes()),
        "total_bytes",
        Long.toString(r.totalBytes()),
        "threshold_percent",
        Integer.toString(thresholdPercent));
  }
}
