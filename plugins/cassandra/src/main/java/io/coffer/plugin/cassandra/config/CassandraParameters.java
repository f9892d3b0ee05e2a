package io.coffer.plugin.cassandra.config;

import io.coffer.plugin.kit.ParameterCheck;
import io.coffer.plugin.kit.UnitNumbers;
import io.coffer.spi.config.ParameterRule;
import io.coffer.spi.config.ParameterType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The {@code cassandra.yaml} settings a user may tune, with Cassandra 5.0's defaults and bounds (<a
 * href="https://cassandra.apache.org/doc/5.0/cassandra/managing/configuration/cass_yaml_file.html">
 * cassandra.yaml</a>). Live ones are set through the same JMX attributes as nodetool's setters
 * ({@code setcompactionthroughput}, {@code settimeout}, {@code enablehandoff} ...); the others
 * apply at the next start. Addresses, ports, directories, authentication, the snitch and the token
 * layout are the agent's and are not offered.
 */
public final class CassandraParameters {
  static final String STORAGE_SERVICE = "org.apache.cassandra.db:type=StorageService";
  static final String STORAGE_PROXY = "org.apache.cassandra.db:type=StorageProxy";

  /** Where a live parameter is set, and the JMX value for a number in the rule's unit. */
  record Live(String mbean, String attribute, Function<String, Object> toJmx) {}

  /** A parameter: its rule, Cassandra's default as it prints it, and how it is set live. */
  public record Parameter(ParameterRule rule, String defaultValue, Live live) {}

  /** Cassandra's units (case-sensitive): data storage in bytes, durations in milliseconds. */
  private static final UnitNumbers UNITS =
      new UnitNumbers(
          List.of(
              Map.of("B", 1d, "KiB", 1024d, "MiB", 1024d * 1024, "GiB", 1024d * 1024 * 1024),
              Map.of(
                  "us",
                  0.001,
                  "ms",
                  1d,
                  "s",
                  1000d,
                  "m",
                  60_000d,
                  "h",
                  3_600_000d,
                  "d",
                  86_400_000d)),
          true);

  /** Reads {@code 64}, {@code 64MiB/s}, {@code 5s}, {@code 5000ms} in the rule's unit. */
  static final ParameterCheck.NumberReader NUMBERS =
      (rule, text) -> {
        String t = text.trim();
        if (rule.unit().endsWith("/s")) {
          ParameterRule perSecond =
              new ParameterRule(
                  rule.name(),
                  rule.type(),
                  rule.min(),
                  rule.max(),
                  rule.unit().substring(0, rule.unit().length() - 2),
                  List.of(),
                  false,
                  "");
          if (t.endsWith("/s")) {
            return UNITS.read(perSecond, t.substring(0, t.length() - 2));
          }
          return t.matches("[0-9]+") ? UNITS.read(perSecond, t) : OptionalDouble.empty();
        }
        return UNITS.read(rule, t);
      };

  public static final Map<String, Parameter> ALL;

  static {
    Map<String, Parameter> all = new TreeMap<>();
    live(
        all,
        integer(
            "compaction_throughput",
            0,
            65_536,
            "MiB/s",
            false,
            "throttles compaction across the node; 0 disables the throttle"),
        "64MiB/s",
        STORAGE_SERVICE,
        "CompactionThroughputMbPerSec",
        v -> (int) number(v));
    live(
        all,
        integer(
            "concurrent_compactors",
            1,
            64,
            "",
            false,
            "compactions that may run at once on this node"),
        "2",
        STORAGE_SERVICE,
        "ConcurrentCompactors",
        v -> (int) number(v));
    live(
        all,
        integer(
            "tombstone_warn_threshold",
            1,
            Integer.MAX_VALUE,
            "",
            false,
            "tombstones one query may scan before Cassandra logs a warning"),
        "1000",
        STORAGE_SERVICE,
        "TombstoneWarnThreshold",
        v -> (int) number(v));
    live(
        all,
        integer(
            "tombstone_failure_threshold",
            1,
            Integer.MAX_VALUE,
            "",
            false,
            "tombstones one query may scan before Cassandra aborts it"),
        "100000",
        STORAGE_SERVICE,
        "TombstoneFailureThreshold",
        v -> (int) number(v));
    live(
        all,
        integer(
            "read_request_timeout",
            1,
            3_600_000,
            "ms",
            false,
            "how long the coordinator waits for read operations to complete"),
        "5000ms",
        STORAGE_SERVICE,
        "ReadRpcTimeout",
        v -> (long) number(v));
    live(
        all,
        integer(
            "write_request_timeout",
            1,
            3_600_000,
            "ms",
            false,
            "how long the coordinator waits for writes to complete"),
        "2000ms",
        STORAGE_SERVICE,
        "WriteRpcTimeout",
        v -> (long) number(v));
    live(
        all,
        new ParameterRule(
            "hinted_handoff_enabled",
            ParameterType.BOOLEAN,
            null,
            null,
            "",
            List.of(),
            false,
            "whether the coordinator keeps hints for replicas that are down"),
        "true",
        STORAGE_PROXY,
        "HintedHandoffEnabled",
        Boolean::parseBoolean);
    all.put(
        "memtable_allocation_type",
        new Parameter(
            new ParameterRule(
                "memtable_allocation_type",
                ParameterType.ENUM,
                null,
                null,
                "",
                List.of(
                    "unslabbed_heap_buffers",
                    "unslabbed_heap_buffers_logged",
                    "heap_buffers",
                    "offheap_buffers",
                    "offheap_objects"),
                true,
                "where memtables keep their data: the heap or off it"),
            "heap_buffers",
            null));
    all.put(
        "concurrent_materialized_view_writes",
        new Parameter(
            integer(
                "concurrent_materialized_view_writes",
                1,
                1024,
                "",
                true,
                "materialized view writes that may run at once"),
            "32",
            null));
    ALL = java.util.Collections.unmodifiableMap(all);
  }

  private CassandraParameters() {}

  private static void live(
      Map<String, Parameter> all,
      ParameterRule rule,
      String defaultValue,
      String mbean,
      String attribute,
      Function<String, Object> toJmx) {
    all.put(rule.name(), new Parameter(rule, defaultValue, new Live(mbean, attribute, toJmx)));
  }

  private static ParameterRule integer(
      String name, double min, double max, String unit, boolean restart, String description) {
    return new ParameterRule(
        name, ParameterType.INTEGER, min, max, unit, List.of(), restart, description);
  }

  /** A checked value in its rule's unit (the unit of the canonical form). */
  private static double number(String canonical) {
    return Double.parseDouble(canonical.replaceAll("[^0-9.].*$", ""));
  }

  /**
   * A checked value as {@code cassandra.yaml} and {@code system_views.settings} write it: a whole
   * number with the rule's unit ({@code 5000ms}, {@code 64MiB/s}), lower-case booleans and choices.
   */
  public static String canonical(String name, String value) {
    ParameterRule rule = ALL.get(name).rule();
    return switch (rule.type()) {
      case BOOLEAN, ENUM -> value.trim().toLowerCase(Locale.ROOT);
      case INTEGER, REAL -> {
        long n = Math.round(NUMBERS.read(rule, value).orElseThrow());
        yield n + rule.unit();
      }
      case STRING -> value;
    };
  }

  /** The JMX value of a canonical value, for a live parameter. */
  static Object jmxValue(Parameter p, String canonical) {
    return p.live().toJmx().apply(canonical);
  }

  /**
   * The overrides typed as {@code cassandra.yaml} needs them: booleans and unit-less numbers as
   * YAML booleans and integers, the rest as strings ({@code 64MiB/s}).
   */
  public static Map<String, Object> yaml(Map<String, String> overrides) {
    Map<String, Object> out = new LinkedHashMap<>();
    overrides.forEach(
        (name, value) -> {
          Parameter p = ALL.get(name);
          if (p == null) {
            return; // a parameter an older agent offered: left to Cassandra's default
          }
          out.put(
              name,
              switch (p.rule().type()) {
                case BOOLEAN -> Boolean.parseBoolean(value);
                case INTEGER -> p.rule().unit().isEmpty() ? (Object) Long.parseLong(value) : value;
                default -> value;
              });
        });
    return out;
  }
}
