package io.coffer.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where an agent's start time went, read from its log: milliseconds from the spawn to the first log
 * line (JVM start, configuration, logging set up), to the plugin being loaded, to the agent being
 * started (journal, datastore manager, gRPC channel built), to the stream to the control being
 * open. Informational: it relies on the agent's log messages, and a marker that is not found is
 * left out.
 */
final class StartTimeline {
  private static final Map<String, String> MARKERS = new LinkedHashMap<>();

  static {
    MARKERS.put("loaded plugin", "plugin");
    MARKERS.put("io.coffer.agent.Agent - agent for instance", "started");
    MARKERS.put("connected to the control", "connected");
  }

  private StartTimeline() {}

  /** e.g. "log 610, plugin 1150, started 1820, connected 2310" (ms after the spawn). */
  static String describe(Path log, Instant spawned) {
    List<String> parts = new ArrayList<>();
    try {
      LocalTime start = LocalTime.ofInstant(spawned, ZoneId.systemDefault());
      boolean first = true;
      Map<String, String> pending = new LinkedHashMap<>(MARKERS);
      for (String line : Files.readAllLines(log)) {
        LocalTime t = timestamp(line);
        if (t == null) {
          continue;
        }
        if (first) {
          parts.add("log " + Duration.between(start, t).toMillis());
          first = false;
        }
        for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
          var marker = it.next();
          if (line.contains(marker.getKey())) {
            parts.add(marker.getValue() + " " + Duration.between(start, t).toMillis());
            it.remove();
          }
        }
      }
    } catch (IOException e) {
      return "no log: " + e.getMessage();
    }
    return String.join(", ", parts);
  }

  /** The HH:mm:ss.SSS (or HH:mm:ss,SSS for logback's own status lines) that starts a log line. */
  private static LocalTime timestamp(String line) {
    if (line.length() < 12 || line.charAt(2) != ':' || line.charAt(5) != ':') {
      return null;
    }
    try {
      return LocalTime.parse(line.substring(0, 12).replace(',', '.'));
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
