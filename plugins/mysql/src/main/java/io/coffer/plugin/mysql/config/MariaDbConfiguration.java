package io.coffer.plugin.mysql.config;

import io.coffer.plugin.kit.ParameterCheck;
import io.coffer.plugin.kit.UnitNumbers;
import io.coffer.plugin.kit.sql.AdminSession;
import io.coffer.plugin.kit.sql.Sql;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.config.ConfigurationChange;
import io.coffer.spi.config.ConfigurationManager;
import io.coffer.spi.config.ParameterRule;
import io.coffer.spi.config.ParameterType;
import io.coffer.spi.config.ParameterValue;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;

/**
 * Configuration through {@code SET GLOBAL} (for variables the server can change live) and the
 * option file ({@link ParameterFile}, for every change, so it outlives restarts). Variables that
 * are {@code READ_ONLY} in {@code SYSTEM_VARIABLES} are only written to the file and pending until
 * a restart. A change of several variables is made all or nothing: checked whole first, and should
 * the server still refuse one, the variables already set are put back.
 */
public final class MariaDbConfiguration implements ConfigurationManager {
  private static final double K = 1024;

  /**
   * Sizes as option files take them: K, M, G (any case), 1024 each
   * (https://mariadb.com/kb/en/configuring-mariadb-with-option-files/).
   */
  static final UnitNumbers SIZES =
      new UnitNumbers(List.of(Map.of("B", 1d, "K", K, "M", K * K, "G", K * K * K)), false);

  private static final Set<String> BOOLEANS = Set.of("on", "off", "1", "0", "true", "false");

  private final AdminSession admin;
  private final ParameterFile file;

  public MariaDbConfiguration(AdminSession admin, ParameterFile file) {
    this.admin = admin;
    this.file = file;
  }

  /**
   * The rules from {@code information_schema.SYSTEM_VARIABLES}. MariaDB types the character set and
   * collation variables ENUM but lists no values for them (ENUM_VALUE_LIST is NULL): their values
   * are the server's character sets and collations ({@code information_schema.CHARACTER_SETS},
   * {@code COLLATIONS}), read here, so that they can be set at all.
   */
  @Override
  public List<ParameterRule> rules() {
    return admin.execute(
        "read the parameter rules",
        false,
        c -> {
          Map<String, String> listed = new HashMap<>();
          String charsets =
              String.join(
                  ",",
                  Sql.query(
                      c,
                      "SELECT CHARACTER_SET_NAME FROM information_schema.CHARACTER_SETS ORDER BY 1",
                      rs -> rs.getString(1)));
          String collations =
              String.join(
                  ",",
                  Sql.query(
                      c,
                      "SELECT COLLATION_NAME FROM information_schema.COLLATIONS ORDER BY 1",
                      rs -> rs.getString(1)));
          SettableParameters.UNITS.keySet().stream()
              .filter(n -> n.startsWith("character_set_"))
              .forEach(n -> listed.put(n, charsets));
          SettableParameters.UNITS.keySet().stream()
              .filter(n -> n.startsWith("collation_"))
              .forEach(n -> listed.put(n, collations));
          return Sql.query(
              c,
              "SELECT LOWER(VARIABLE_NAME), VARIABLE_TYPE, NUMERIC_MIN_VALUE, NUMERIC_MAX_VALUE, ENUM_VALUE_LIST, READ_ONLY,"
                  + " VARIABLE_COMMENT FROM information_schema.SYSTEM_VARIABLES WHERE FIND_IN_SET(LOWER(VARIABLE_NAME), ?)"
                  + " ORDER BY VARIABLE_NAME",
              rs ->
                  rule(
                      rs.getString(1),
                      rs.getString(2),
                      rs.getString(3),
                      rs.getString(4),
                      rs.getString(5) != null ? rs.getString(5) : listed.get(rs.getString(1)),
                      "YES".equals(rs.getString(6)),
                      rs.getString(7)),
              String.join(",", SettableParameters.UNITS.keySet()));
        });
  }

  @Override
  public List<ParameterValue> values(Collection<String> names) {
    Collection<String> wanted =
        names.isEmpty() ? new TreeSet<>(SettableParameters.UNITS.keySet()) : new TreeSet<>(names);
    check().rules("names", wanted);
    return read(wanted);
  }

  @Override
  public List<ParameterValue> apply(ConfigurationChange change) {
    ParameterCheck check = check();
    check.check(change);
    Map<String, ParameterRule> rules = new HashMap<>();
    rules().forEach(r -> rules.put(r.name(), r));
    Map<String, String> normalised = new HashMap<>();
    change
        .values()
        .forEach((name, value) -> normalised.put(name, normalise(rules.get(name), value)));
    admin.execute(
        "change the configuration",
        false,
        c -> {
          Map<String, String> before = globals(c, normalised.keySet());
          List<String> done = new ArrayList<>();
          try {
            for (String name : new TreeSet<>(normalised.keySet())) {
              if (!rules.get(name).restartRequired()) {
                set(c, rules.get(name), normalised.get(name));
                done.add(name);
              }
            }
            for (String name : change.reset()) {
              if (!rules.get(name).restartRequired()) {
                before.putAll(globals(c, Set.of(name)));
                Sql.update(c, "SET GLOBAL " + name + " = DEFAULT");
                done.add(name);
              }
            }
          } catch (SQLException e) {
            for (String name : done) {
              set(c, rules.get(name), before.get(name));
            }
            String named =
                done.size() < normalised.size() ? firstNotIn(normalised.keySet(), done) : "";
            throw DatastoreException.invalidArgument(
                named.isEmpty() ? "values" : "values." + named,
                "MariaDB refused it: " + e.getMessage());
          }
          return null;
        });
    Map<String, String> persisted = new HashMap<>(file.read());
    persisted.putAll(normalised);
    change.reset().forEach(persisted::remove);
    file.write(persisted);
    TreeSet<String> changed = new TreeSet<>(normalised.keySet());
    changed.addAll(change.reset());
    return read(changed);
  }

  private ParameterCheck check() {
    Map<String, ParameterRule> rules = new HashMap<>();
    rules().forEach(r -> rules.put(r.name(), r));
    return new ParameterCheck(
        rules.values(),
        (rule, text) -> {
          OptionalDouble v = SIZES.read(rule, text);
          return v;
        },
        v -> BOOLEANS.contains(v.trim().toLowerCase(Locale.ROOT)));
  }

  /**
   * Names come from the settable set only; numbers and keywords were checked, strings are bound.
   */
  private static void set(Connection c, ParameterRule rule, String value) throws SQLException {
    switch (rule.type()) {
      case INTEGER, REAL ->
          Sql.update(
              c, "SET GLOBAL " + rule.name() + " = " + new BigDecimal(value).toPlainString());
      case BOOLEAN ->
          Sql.update(c, "SET GLOBAL " + rule.name() + " = " + (isOn(value) ? "ON" : "OFF"));
      default -> {
        try (PreparedStatement ps = c.prepareStatement("SET GLOBAL " + rule.name() + " = ?")) {
          ps.setString(1, value);
          ps.execute();
        }
      }
    }
  }

  private static Map<String, String> globals(Connection c, Collection<String> names)
      throws SQLException {
    Map<String, String> out = new HashMap<>();
    Sql.query(
        c,
        "SELECT LOWER(VARIABLE_NAME), GLOBAL_VALUE FROM information_schema.SYSTEM_VARIABLES"
            + " WHERE FIND_IN_SET(LOWER(VARIABLE_NAME), ?)",
        rs -> out.put(rs.getString(1), rs.getString(2)),
        String.join(",", names));
    return out;
  }

  private List<ParameterValue> read(Collection<String> names) {
    Map<String, String> inFile = file.read();
    return admin.execute(
        "read the configuration",
        false,
        c ->
            Sql.query(
                c,
                "SELECT LOWER(VARIABLE_NAME), GLOBAL_VALUE, READ_ONLY, GLOBAL_VALUE_ORIGIN FROM information_schema.SYSTEM_VARIABLES"
                    + " WHERE FIND_IN_SET(LOWER(VARIABLE_NAME), ?) ORDER BY VARIABLE_NAME",
                rs -> {
                  String name = rs.getString(1);
                  String value = rs.getString(2) == null ? "" : rs.getString(2);
                  String wanted = inFile.get(name);
                  boolean pending =
                      "YES".equals(rs.getString(3)) && wanted != null && !same(wanted, value);
                  return new ParameterValue(
                      name,
                      value,
                      pending,
                      rs.getString(4) == null ? "" : rs.getString(4).toLowerCase(Locale.ROOT));
                },
                String.join(",", names)));
  }

  /**
   * The value as it is set and written: sizes in bytes, booleans ON/OFF, choices as the server
   * spells them.
   */
  private static String normalise(ParameterRule rule, String value) {
    String v = value.trim();
    return switch (rule.type()) {
      case INTEGER, REAL -> {
        double d = SIZES.read(rule, v).orElseThrow();
        yield rule.type() == ParameterType.INTEGER
            ? Long.toString((long) d)
            : BigDecimal.valueOf(d).toPlainString();
      }
      case BOOLEAN -> isOn(v) ? "ON" : "OFF";
      case ENUM ->
          rule.allowedValues().stream().filter(a -> a.equalsIgnoreCase(v)).findFirst().orElse(v);
      case STRING -> v;
    };
  }

  private static boolean same(String wanted, String running) {
    if (wanted.equalsIgnoreCase(running)) {
      return true;
    }
    try {
      return new BigDecimal(wanted).compareTo(new BigDecimal(running)) == 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static boolean isOn(String v) {
    return Set.of("on", "1", "true").contains(v.trim().toLowerCase(Locale.ROOT));
  }

  private static String firstNotIn(Collection<String> all, List<String> done) {
    return new TreeSet<>(all).stream().filter(n -> !done.contains(n)).findFirst().orElse("");
  }

  /**
   * SYSTEM_VARIABLES types: BOOLEAN, ENUM, SET, (BIG)INT (UNSIGNED), DOUBLE, VARCHAR ... A sized
   * variable gets the unit B, so K, M and G are read as option files read them.
   */
  private static ParameterRule rule(
      String name,
      String type,
      String min,
      String max,
      String enums,
      boolean readOnly,
      String comment) {
    ParameterType t;
    if (type.equals("BOOLEAN")) {
      t = ParameterType.BOOLEAN;
    } else if (type.equals("ENUM")) {
      t = ParameterType.ENUM;
    } else if (type.contains("INT")) {
      t = ParameterType.INTEGER;
    } else if (type.equals("DOUBLE")) {
      t = ParameterType.REAL;
    } else {
      t = ParameterType.STRING;
    }
    List<String> allowed =
        t == ParameterType.ENUM && enums != null ? Arrays.asList(enums.split(",")) : List.of();
    boolean numeric = t == ParameterType.INTEGER || t == ParameterType.REAL;
    return new ParameterRule(
        name,
        t,
        numeric ? number(min) : null,
        numeric ? number(max) : null,
        numeric ? SettableParameters.UNITS.getOrDefault(name, "") : "",
        allowed,
        readOnly,
        comment);
  }

  private static Double number(String s) {
    return s == null ? null : Double.valueOf(s);
  }
}
