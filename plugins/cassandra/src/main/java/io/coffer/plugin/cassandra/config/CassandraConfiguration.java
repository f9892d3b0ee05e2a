package io.coffer.plugin.cassandra.config;

import com.datastax.oss.driver.api.core.cql.Row;
import io.coffer.plugin.cassandra.cql.CqlAdmin;
import io.coffer.plugin.cassandra.jmx.NodeJmx;
import io.coffer.plugin.kit.ParameterCheck;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.config.ConfigurationChange;
import io.coffer.spi.config.ConfigurationManager;
import io.coffer.spi.config.ParameterRule;
import io.coffer.spi.config.ParameterValue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Configuration of {@link CassandraParameters}: a change is checked whole, kept in {@link
 * Overrides} (merged into {@code cassandra.yaml} at every start), then applied live where Cassandra
 * can, through the JMX attributes nodetool's setters use. Values are read from {@code
 * system_views.settings}, the node's own view of its settings (<a
 * href="https://cassandra.apache.org/doc/5.0/cassandra/managing/operating/virtualtables.html#settings-virtual-table">
 * Settings virtual table</a>); a restart-only parameter is pending while the kept value and the
 * running one differ.
 */
public final class CassandraConfiguration implements ConfigurationManager {
  private static final ParameterCheck CHECK =
      new ParameterCheck(
          CassandraParameters.ALL.values().stream()
              .map(CassandraParameters.Parameter::rule)
              .toList(),
          CassandraParameters.NUMBERS,
          v -> v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false"));

  private final CqlAdmin cql;
  private final NodeJmx jmx;
  private final Overrides overrides;

  public CassandraConfiguration(CqlAdmin cql, NodeJmx jmx, Overrides overrides) {
    this.cql = cql;
    this.jmx = jmx;
    this.overrides = overrides;
  }

  @Override
  public List<ParameterRule> rules() {
    return CassandraParameters.ALL.values().stream()
        .map(CassandraParameters.Parameter::rule)
        .toList();
  }

  @Override
  public List<ParameterValue> values(Collection<String> names) {
    Collection<String> wanted =
        names.isEmpty() ? CassandraParameters.ALL.keySet() : new TreeSet<>(names);
    CHECK.rules("names", wanted);
    return read(wanted);
  }

  @Override
  public List<ParameterValue> apply(ConfigurationChange change) {
    CHECK.check(change);
    Map<String, String> kept = overrides.read();
    Map<String, String> live = new LinkedHashMap<>();
    change
        .values()
        .forEach(
            (name, value) -> {
              String canonical = CassandraParameters.canonical(name, value);
              kept.put(name, canonical);
              live.put(name, canonical);
            });
    for (String name : change.reset()) {
      kept.remove(name);
      live.put(name, CassandraParameters.ALL.get(name).defaultValue());
    }
    Map<String, String> before = overrides.read();
    overrides.write(kept); // first: a live value that is not kept would be lost at the next start
    try {
      live.forEach(
          (name, value) -> {
            CassandraParameters.Parameter p = CassandraParameters.ALL.get(name);
            if (p.live() != null) {
              jmx.set(
                  p.live().mbean(), p.live().attribute(), CassandraParameters.jmxValue(p, value));
            }
          });
    } catch (RuntimeException e) {
      overrides.write(before); // the next start runs as before; what was set live stays until then
      throw e;
    }
    return read(new TreeSet<>(live.keySet()));
  }

  private List<ParameterValue> read(Collection<String> names) {
    Map<String, String> kept = overrides.read();
    List<ParameterValue> out = new ArrayList<>();
    for (String name : names) {
      String running = running(name);
      CassandraParameters.Parameter p = CassandraParameters.ALL.get(name);
      String wanted = kept.getOrDefault(name, p.defaultValue());
      boolean pending = p.rule().restartRequired() && !wanted.equalsIgnoreCase(running);
      out.add(
          new ParameterValue(
              name, running, pending, kept.containsKey(name) ? "configuration file" : "default"));
    }
    return out;
  }

  private String running(String name) {
    Row row = cql.execute("SELECT value FROM system_views.settings WHERE name = ?", name).one();
    if (row == null) {
      throw DatastoreException.internal("Cassandra shows no setting " + name, null);
    }
    String value = row.getString(0);
    return value == null ? "" : value;
  }
}
