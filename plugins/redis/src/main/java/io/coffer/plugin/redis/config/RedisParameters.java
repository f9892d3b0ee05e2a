package io.coffer.plugin.redis.config;

import io.coffer.spi.config.ParameterRule;
import io.coffer.spi.config.ParameterType;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parameters a user may tune on Redis 7.0, with their rules and defaults, from Redis' own
 * annotated configuration file (<a
 * href="https://raw.githubusercontent.com/redis/redis/7.0/redis.conf">redis.conf for 7.0</a>).
 * Redis publishes no machine-readable rules, so they are written down here. Left out, because the
 * agent owns them: port, bind, dir, dbfilename, aclfile, pidfile, logfile, daemonize, replicaof,
 * masteruser, masterauth, min-replicas-to-write (the fence), requirepass, rename-command,
 * protected-mode, cluster-* and enable-*-command.
 */
final class RedisParameters {
  private RedisParameters() {}

  /** A rule with the value RESET returns to. */
  record Parameter(ParameterRule rule, String defaultValue) {}

  private static final List<String> BOOL = List.of();
  static final Map<String, Parameter> ALL = new TreeMap<>();

  static {
    integer(
        "maxmemory",
        0,
        null,
        "b",
        "0",
        false,
        "Memory limit for data, in bytes (k, kb, m, mb, g, gb accepted); 0 = none");
    choice(
        "maxmemory-policy",
        List.of(
            "volatile-lru",
            "allkeys-lru",
            "volatile-lfu",
            "allkeys-lfu",
            "volatile-random",
            "allkeys-random",
            "volatile-ttl",
            "noeviction"),
        "noeviction",
        "What to evict when maxmemory is reached");
    integer(
        "maxmemory-samples",
        1,
        64d,
        "",
        "5",
        false,
        "Keys sampled by the approximated LRU/LFU eviction");
    integer("maxclients", 1, null, "", "10000", false, "Most client connections at once");
    integer(
        "timeout",
        0,
        null,
        "s",
        "0",
        false,
        "Close idle client connections after this many seconds; 0 = never");
    integer(
        "tcp-keepalive",
        0,
        null,
        "s",
        "300",
        false,
        "TCP keepalive interval for clients, in seconds");
    integer("hz", 1, 500d, "", "10", false, "Background task frequency, per second");
    bool("appendonly", "no", "Append-only file persistence");
    choice(
        "appendfsync", List.of("always", "everysec", "no"), "everysec", "When the AOF is fsync'd");
    string(
        "save",
        "3600 1 300 100 60 10000",
        "RDB save points: pairs of seconds and changes; empty = never");
    integer(
        "slowlog-log-slower-than",
        -1,
        null,
        "us",
        "10000",
        false,
        "Log commands slower than this, in microseconds");
    integer("slowlog-max-len", 0, null, "", "128", false, "Entries kept in the slow log");
    integer(
        "latency-monitor-threshold",
        0,
        null,
        "ms",
        "0",
        false,
        "Record latency events above this, in ms; 0 = off");
    string("notify-keyspace-events", "", "Keyspace notifications to publish (flags such as KEA)");
    bool("lazyfree-lazy-eviction", "no", "Free evicted keys in the background");
    bool("lazyfree-lazy-expire", "no", "Free expired keys in the background");
    bool("lazyfree-lazy-user-del", "no", "DEL behaves like UNLINK");
    bool("activedefrag", "no", "Active memory defragmentation");
    bool("stop-writes-on-bgsave-error", "yes", "Refuse writes while RDB saves fail");
    bool("rdbcompression", "yes", "Compress strings in RDB files with LZF");
    choice(
        "loglevel",
        List.of("debug", "verbose", "notice", "warning"),
        "notice",
        "Server log verbosity");
    integer(
        "hash-max-listpack-entries",
        0,
        null,
        "",
        "128",
        false,
        "Small hashes are stored compactly up to this size");
    integer(
        "zset-max-listpack-entries",
        0,
        null,
        "",
        "128",
        false,
        "Small sorted sets are stored compactly up to this size");
    integer(
        "set-max-intset-entries",
        0,
        null,
        "",
        "512",
        false,
        "Small integer sets are stored compactly up to this size");
    integer(
        "databases",
        1,
        1_000_000d,
        "",
        "16",
        true,
        "Number of numbered databases (SELECT 0 to N-1)");
    integer("tcp-backlog", 0, null, "", "511", true, "Backlog of the listening socket");
  }

  private static void integer(
      String name, double min, Double max, String unit, String dflt, boolean restart, String doc) {
    put(
        new ParameterRule(name, ParameterType.INTEGER, min, max, unit, List.of(), restart, doc),
        dflt);
  }

  private static void bool(String name, String dflt, String doc) {
    put(new ParameterRule(name, ParameterType.BOOLEAN, null, null, "", BOOL, false, doc), dflt);
  }

  private static void choice(String name, List<String> values, String dflt, String doc) {
    put(new ParameterRule(name, ParameterType.ENUM, null, null, "", values, false, doc), dflt);
  }

  private static void string(String name, String dflt, String doc) {
    put(new ParameterRule(name, ParameterType.STRING, null, null, "", List.of(), false, doc), dflt);
  }

  private static void put(ParameterRule rule, String dflt) {
    ALL.put(rule.name(), new Parameter(rule, dflt));
  }
}
