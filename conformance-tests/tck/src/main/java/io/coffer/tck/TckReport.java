package io.coffer.tck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The per-capability outcome of a TCK run, per engine: each area passed, failed, not declared or
 * not run, with its counts. {@link PluginTck} prints it when its suites are done and writes it to
 * {@code <coffer.tck.report.dir>/<engine>.txt} (default {@code target/coffer-tck}).
 */
public final class TckReport {
  /** System property naming the directory the report files go to. */
  public static final String DIR_PROPERTY = "coffer.tck.report.dir";

  private static final Map<String, Map<Area, Tally>> BY_ENGINE = new TreeMap<>();

  private TckReport() {}

  /** Outcome counts of one area. */
  private static final class Tally {
    int passed;
    int failed;
    int skipped;
    String notDeclared;
    final List<String> failures = new ArrayList<>();
  }

  static synchronized void passed(String engine, Area area) {
    tally(engine, area).passed++;
  }

  static synchronized void failed(String engine, Area area, String test) {
    Tally t = tally(engine, area);
    t.failed++;
    t.failures.add(test);
  }

  static synchronized void skipped(String engine, Area area) {
    tally(engine, area).skipped++;
  }

  static synchronized void notDeclared(String engine, Area area, String reason) {
    tally(engine, area).notDeclared = reason;
  }

  private static Tally tally(String engine, Area area) {
    return BY_ENGINE
        .computeIfAbsent(engine, e -> new EnumMap<>(Area.class))
        .computeIfAbsent(area, a -> new Tally());
  }

  /** The report of one engine, a line per area, as printed. */
  public static synchronized String text(String engine) {
    Map<Area, Tally> areas = BY_ENGINE.getOrDefault(engine, Map.of());
    StringBuilder out = new StringBuilder("Coffer TCK report for the " + engine + " plugin\n");
    for (Area area : Area.values()) {
      Tally t = areas.get(area);
      String verdict;
      String detail = "";
      if (t == null || t.passed + t.failed + t.skipped == 0 && t.notDeclared == null) {
        verdict = "NOT RUN";
      } else if (t.notDeclared != null && t.passed + t.failed == 0) {
        verdict = "NOT DECLARED";
      } else {
        verdict = t.failed > 0 ? "FAILED" : "PASSED";
        detail =
            t.passed
                + " passed"
                + (t.failed > 0 ? ", " + t.failed + " failed " + t.failures : "")
                + (t.skipped > 0 ? ", " + t.skipped + " skipped" : "");
      }
      out.append(String.format("  %-14s %-13s %s%n", area.label(), verdict, detail).stripTrailing())
          .append('\n');
    }
    return out.toString();
  }

  /** Prints the engine's report and writes it to its file; returns the file. */
  public static Path publish(String engine) {
    String text = text(engine);
    System.out.print(text);
    Path dir = Path.of(System.getProperty(DIR_PROPERTY, "target/coffer-tck"));
    try {
      Files.createDirectories(dir);
      return Files.writeString(dir.resolve(engine + ".txt"), text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the TCK report under " + dir, e);
    }
  }
}
