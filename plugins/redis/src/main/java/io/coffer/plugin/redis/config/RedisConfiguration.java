package io.coffer.plugin.redis.config;

import io.coffer.plugin.kit.ParameterCheck;
import io.coffer.plugin.kit.UnitNumbers;
import io.coffer.plugin.redis.client.AdminClient;
import io.coffer.plugin.redis.server.ConfigFile;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.config.ConfigurationChange;
import io.coffer.spi.config.ConfigurationManager;
import io.coffer.spi.config.ParameterRule;
import io.coffer.spi.config.ParameterValue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Configuration through {@code CONFIG SET} (several parameters at once, atomically since Redis 7.0)
 * and {@code CONFIG REWRITE}, which keeps the change in {@code redis.conf} (<a
 * href="https://redis.io/docs/latest/commands/config-set/">CONFIG SET</a>). Parameters {@code
 * CONFIG SET} cannot change are written to {@code redis.conf} and wait for a restart; they are
 * pending while the file and the running server disagree.
 */
public final class RedisConfiguration implements ConfigurationManager {
  private static final double K = 1000;
  private static final double KI = 1024;

  /** Redis' memory suffixes, any case: k = 1000, kb = 1024, and so on (redis.conf, "Units"). */
  static final UnitNumbers NUMBERS =
      new UnitNumbers(
          List.of(
              Map.of(
                  "b",
                  1d,
                  "k",
                  K,
                  "kb",
                  KI,
                  "m",
                  K * K,
                  "mb",
                  KI * KI,
                  "g",
                  K * K * K,
                  "gb",
                  KI * KI * KI)),
          false);

  private static final ParameterCheck CHECK =
      new ParameterCheck(
          RedisParameters.ALL.values().stream().map(RedisParameters.Parameter::rule).toList(),
          NUMBERS,
          v -> v.equalsIgnoreCase("yes") || v.equalsIgnoreCase("no"));

  private final AdminClient admin;
  private final ConfigFile file;

  public RedisConfiguration(AdminClient admin, ConfigFile file) {
    this.admin = admin;
    this.file = file;
  }

  @Override
  public List<ParameterRule> rules() {
    return RedisParameters.ALL.values().stream().map(RedisParameters.Parameter::rule).toList();
  }

  @Override
  public List<ParameterValue> values(Collection<String> names) {
    Collection<String> wanted =
        names.isEmpty() ? RedisParameters.ALL.keySet() : new TreeSet<>(names);
    CHECK.rules("names", wanted);
    return read(wanted);
  }

  @Override
  public List<ParameterValue> apply(ConfigurationChange change) {
    CHECK.check(change);
    Map<String, String> live = new LinkedHashMap<>();
    Map<String, String> restart = new LinkedHashMap<>();
    change
        .values()
        .forEach((name, value) -> target(name, live, restart).put(name, normalise(name, value)));
    change
        .reset()
        .forEach(
            name ->
                target(name, live, restart)
                    .put(name, RedisParameters.ALL.get(name).defaultValue()));
    try {
      Map<String, String> pending = pendingInFile();
      if (!live.isEmpty()) {
        setLive(live);
      }
      // CONFIG REWRITE writes the running values: put back what waits for a restart
      admin.call("rewrite redis.conf", c -> c.configRewrite());
      pending.putAll(restart);
      for (Map.Entry<String, String> e : pending.entrySet()) {
        file.set(e.getKey(), e.getValue());
      }
    } catch (IOException e) {
      throw DatastoreException.internal("cannot write redis.conf: " + e.getMessage(), e);
    }
    TreeSet<String> changed = new TreeSet<>(live.keySet());
    changed.addAll(restart.keySet());
    return read(changed);
  }

  private void setLive(Map<String, String> values) {
    try {
      admin.call("change the configuration", c -> c.configSet(values));
    } catch (DatastoreException e) {
      if (e.code() != DatastoreException.Code.INTERNAL) {
        throw e;
      }
      // Redis refused a value the rules let through (e.g. a malformed save schedule); nothing was
      // set
      String named =
          values.keySet().stream()
              .filter(n -> e.getMessage().contains("'" + n + "'"))
              .findFirst()
              .orElse(values.keySet().iterator().next());
      throw DatastoreException.invalidArgument(
          "values." + named, e.getMessage().replaceFirst("^cannot [^:]*: ", ""));
    }
  }

  /** Values of restart-only parameters the file holds that the server does not run with yet. */
  private Map<String, String> pendingInFile() throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    for (RedisParameters.Parameter p : RedisParameters.ALL.values()) {
      if (p.rule().restartRequired()) {
        Optional<String> inFile = file.get(p.rule().name());
        if (inFile.isPresent() && !inFile.get().equals(liveValue(p.rule().name()))) {
          out.put(p.rule().name(), inFile.get());
        }
      }
    }
    return out;
  }

  private List<ParameterValue> read(Collection<String> names) {
    List<ParameterValue> out = new ArrayList<>();
    Map<String, String> live =
        admin.call("read the configuration", c -> c.configGet(names.toArray(String[]::new)));
    for (String name : names) {
      String value = live.getOrDefault(name, "");
      boolean pending = false;
      if (RedisParameters.ALL.get(name).rule().restartRequired()) {
        try {
          pending = file.get(name).map(v -> !v.equals(value)).orElse(false);
        } catch (IOException e) {
          throw DatastoreException.internal("cannot read redis.conf: " + e.getMessage(), e);
        }
      }
      out.add(new ParameterValue(name, value, pending, ""));
    }
    return out;
  }

  private String liveValue(String name) {
    return admin.call("read the configuration", c -> c.configGet(name)).getOrDefault(name, "");
  }

  private static Map<String, String> target(
      String name, Map<String, String> live, Map<String, String> restart) {
    return RedisParameters.ALL.get(name).rule().restartRequired() ? restart : live;
  }

  /** Booleans and choices as Redis prints them (lower case), so file and server compare equal. */
  private static String normalise(String name, String value) {
    return switch (RedisParameters.ALL.get(name).rule().type()) {
      case BOOLEAN, ENUM -> value.trim().toLowerCase(Locale.ROOT);
      default -> value.trim();
    };
  }
}
