package io.coffer.plugin.postgresql.config;

import io.coffer.plugin.kit.ParameterCheck;
import io.coffer.plugin.kit.sql.AdminSession;
import io.coffer.plugin.kit.sql.Sql;
import io.coffer.plugin.postgresql.sql.SqlErrors;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.config.ConfigurationChange;
import io.coffer.spi.config.ConfigurationManager;
import io.coffer.spi.config.ParameterRule;
import io.coffer.spi.config.ParameterType;
import io.coffer.spi.config.ParameterValue;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Configuration through {@code ALTER SYSTEM}, which writes {@code postgresql.auto.conf} (kept
 * across restarts, and by physical backups and replicas), then {@code pg_reload_conf()}. ALTER
 * SYSTEM runs outside transactions, so a change of several parameters is made all or nothing by
 * checking it whole first and, should the server still refuse one value, putting back the values
 * already written.
 */
public final class PostgresqlConfiguration implements ConfigurationManager {
  private static final long RELOAD_WAIT_MILLIS = 5_000;
  private static final String NAMES_PARAM = "name = ANY(string_to_array(?, ','))";

  private final AdminSession admin;

  public PostgresqlConfiguration(AdminSession admin) {
    this.admin = admin;
  }

  @Override
  public List<ParameterRule> rules() {
    try {
      return admin.callRetrying(
          c ->
              Sql.query(
                  c,
                  "SELECT name, vartype, min_val, max_val, unit, enumvals, context, short_desc FROM pg_settings WHERE "
                      + NAMES_PARAM
                      + " ORDER BY name",
                  PostgresqlConfiguration::rule,
                  String.join(",", SettableParameters.NAMES)));
    } catch (SQLException e) {
      throw SqlErrors.translate("read the parameter rules", e, false);
    }
  }

  @Override
  public List<ParameterValue> values(Collection<String> names) {
    Set<String> wanted = names.isEmpty() ? SettableParameters.NAMES : new LinkedHashSet<>(names);
    check().rules("names", wanted);
    try {
      return admin.callRetrying(c -> read(c, wanted));
    } catch (SQLException e) {
      throw SqlErrors.translate("read the configuration", e, false);
    }
  }

  @Override
  public List<ParameterValue> apply(ConfigurationChange change) {
    check().check(change);
    Set<String> changed = new TreeSet<>(change.values().keySet());
    changed.addAll(change.reset());
    try {
      return admin.call(
          c -> {
            Map<String, String> before = written(c);
            Timestamp loaded = loadTime(c);
            List<String> done = new ArrayList<>();
            try {
              for (String name : new TreeSet<>(change.values().keySet())) {
                alter(c, name, change.values().get(name));
                done.add(name);
              }
              for (String name : new TreeSet<>(change.reset())) {
                Sql.ddl(c, "ALTER SYSTEM RESET " + name);
                done.add(name);
              }
            } catch (SQLException e) {
              restore(c, done, before);
              throw e;
            }
            Sql.query(c, "SELECT pg_reload_conf()", rs -> Boolean.TRUE);
            awaitReload(c, loaded);
            return read(c, changed);
          });
    } catch (RefusedValue e) {
      throw DatastoreException.invalidArgument("values." + e.name, e.serverMessage);
    } catch (SQLException e) {
      throw SqlErrors.translate("change the configuration", e, false);
    }
  }

  private ParameterCheck check() {
    return new ParameterCheck(rules(), PostgresqlValues.NUMBERS, PostgresqlValues::isBoolean);
  }

  /** Names come from the settable set only, so they are safe as identifiers. */
  private static void alter(Connection c, String name, String value) throws SQLException {
    try {
      Sql.ddl(c, "ALTER SYSTEM SET " + name + " = " + PostgresqlValues.literal(value));
    } catch (SQLException e) {
      if (SqlErrors.INVALID_PARAMETER_VALUE.equals(e.getSQLState())
          || "22P02".equals(e.getSQLState())) {
        throw new RefusedValue(name, SqlErrors.serverMessage(e), e);
      }
      throw e;
    }
  }

  /** Puts back what postgresql.auto.conf held for the parameters already changed. */
  private static void restore(Connection c, List<String> done, Map<String, String> before)
      throws SQLException {
    for (String name : done) {
      String old = before.get(name);
      Sql.ddl(
          c,
          old == null
              ? "ALTER SYSTEM RESET " + name
              : "ALTER SYSTEM SET " + name + " = " + PostgresqlValues.literal(old));
    }
  }

  /** What postgresql.auto.conf holds now, by parameter. */
  private static Map<String, String> written(Connection c) throws SQLException {
    Map<String, String> out = new HashMap<>();
    Sql.query(
        c,
        "SELECT name, setting FROM pg_file_settings WHERE sourcefile LIKE '%/postgresql.auto.conf' ORDER BY seqno",
        rs -> out.put(rs.getString(1), rs.getString(2)));
    return out;
  }

  private static Timestamp loadTime(Connection c) throws SQLException {
    return Sql.query(c, "SELECT pg_conf_load_time()", rs -> rs.getTimestamp(1)).get(0);
  }

  /**
   * pg_reload_conf() only signals the postmaster; this session re-reads the files when the signal
   * reaches it, which pg_conf_load_time() shows. Waiting for it makes the values read next current.
   */
  private static void awaitReload(Connection c, Timestamp before) throws SQLException {
    long deadline = System.currentTimeMillis() + RELOAD_WAIT_MILLIS;
    while (!loadTime(c).after(before)) {
      if (System.currentTimeMillis() > deadline) {
        throw DatastoreException.unavailable(
            "PostgreSQL did not reload its configuration within "
                + RELOAD_WAIT_MILLIS / 1000
                + " s; the change is written and applies at the next reload",
            null);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw DatastoreException.unavailable(
            "interrupted while waiting for the configuration reload", e);
      }
    }
  }

  private static List<ParameterValue> read(Connection c, Collection<String> names)
      throws SQLException {
    return Sql.query(
        c,
        "SELECT name, current_setting(name), pending_restart, source FROM pg_settings WHERE "
            + NAMES_PARAM
            + " ORDER BY name",
        rs ->
            new ParameterValue(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getString(4)),
        String.join(",", names));
  }

  private static ParameterRule rule(ResultSet rs) throws SQLException {
    ParameterType type =
        switch (rs.getString(2)) {
          case "bool" -> ParameterType.BOOLEAN;
          case "integer" -> ParameterType.INTEGER;
          case "real" -> ParameterType.REAL;
          case "enum" -> ParameterType.ENUM;
          default -> ParameterType.STRING;
        };
    Array enums = rs.getArray(6);
    List<String> allowed = enums == null ? List.of() : Arrays.asList((String[]) enums.getArray());
    return new ParameterRule(
        rs.getString(1),
        type,
        number(rs.getString(3)),
        number(rs.getString(4)),
        rs.getString(5),
        allowed,
        "postmaster".equals(rs.getString(7)),
        rs.getString(8));
  }

  private static Double number(String text) {
    return text == null ? null : Double.valueOf(text);
  }

  /** The server refused a value the rules let through (e.g. a string it could not parse). */
  static final class RefusedValue extends SQLException {
    final String name;
    final String serverMessage;

    RefusedValue(String name, String serverMessage, SQLException cause) {
      super(name + ": " + serverMessage, cause.getSQLState(), cause);
      this.name = name;
      this.serverMessage = serverMessage;
    }
  }
}
