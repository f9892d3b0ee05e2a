package io.coffer.plugin.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.coffer.spi.DatastoreException;
import io.coffer.spi.config.ConfigurationChange;
import io.coffer.spi.config.ParameterRule;
import io.coffer.spi.config.ParameterType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ParameterCheckTest {
  private static final Map<String, Double> MEMORY =
      Map.of("B", 1d, "kB", 1024d, "MB", 1024d * 1024, "GB", 1024d * 1024 * 1024);
  private static final Map<String, Double> TIME = Map.of("ms", 1d, "s", 1000d, "min", 60_000d);
  private static final List<ParameterRule> RULES =
      List.of(
          new ParameterRule(
              "work_mem", ParameterType.INTEGER, 64d, 2147483647d, "kB", List.of(), false, ""),
          new ParameterRule(
              "shared_buffers",
              ParameterType.INTEGER,
              16d,
              1073741823d,
              "8kB",
              List.of(),
              true,
              ""),
          new ParameterRule(
              "statement_timeout",
              ParameterType.INTEGER,
              0d,
              2147483647d,
              "ms",
              List.of(),
              false,
              ""),
          new ParameterRule(
              "random_page_cost", ParameterType.REAL, 0d, 1.79769e308, "", List.of(), false, ""),
          new ParameterRule("jit", ParameterType.BOOLEAN, null, null, "", List.of(), false, ""),
          new ParameterRule(
              "wal_compression",
              ParameterType.ENUM,
              null,
              null,
              "",
              List.of("off", "pglz", "zstd"),
              false,
              ""),
          new ParameterRule(
              "application_name", ParameterType.STRING, null, null, "", List.of(), false, ""));

  private final ParameterCheck check =
      new ParameterCheck(
          RULES,
          new UnitNumbers(List.of(MEMORY, TIME), true),
          v -> Set.of("on", "off", "true", "false").contains(v.toLowerCase()));

  @Test
  void acceptsValuesWithTheEnginesUnits() {
    assertThatCode(
            () ->
                check.check(
                    change(
                        Map.of(
                            "work_mem",
                            "64MB",
                            "shared_buffers",
                            "128MB",
                            "statement_timeout",
                            "30s",
                            "random_page_cost",
                            "1.1",
                            "jit",
                            "off",
                            "wal_compression",
                            "ZSTD",
                            "application_name",
                            "app"))))
        .doesNotThrowAnyException();
  }

  @Test
  void convertsToTheRulesUnitBeforeCheckingBounds() {
    // 16 pages of 8 kB = 128 kB is shared_buffers' minimum
    assertThatCode(() -> check.check(change(Map.of("shared_buffers", "128kB"))))
        .doesNotThrowAnyException();
    assertThat(field(Map.of("shared_buffers", "127kB"))).isEqualTo("values.shared_buffers");
    assertThat(field(Map.of("work_mem", "63kB"))).isEqualTo("values.work_mem");
    assertThat(field(Map.of("work_mem", "1.5"))).isEqualTo("values.work_mem");
  }

  @Test
  void refusesUnitsOfAnotherDimensionOrCase() {
    assertThat(field(Map.of("work_mem", "30s"))).isEqualTo("values.work_mem");
    assertThat(field(Map.of("statement_timeout", "1MB"))).isEqualTo("values.statement_timeout");
    assertThat(field(Map.of("work_mem", "64mb"))).isEqualTo("values.work_mem");
    assertThat(field(Map.of("random_page_cost", "1.1MB"))).isEqualTo("values.random_page_cost");
  }

  @Test
  void namesTheBadParameterAndRefusesTheWholeChange() {
    assertThat(field(Map.of("work_mem", "64MB", "jit", "maybe"))).isEqualTo("values.jit");
    assertThat(field(Map.of("wal_compression", "lz5"))).isEqualTo("values.wal_compression");
    assertThat(field(Map.of("port", "5433"))).isEqualTo("values.port");
    assertThat(field(Map.of("application_name", "a\nb"))).isEqualTo("values.application_name");
    assertThat(field(Map.of("application_name", " "))).isEqualTo("values.application_name");
    assertThat(field(Map.of("jit", ""))).isEqualTo("values.jit");
  }

  @Test
  void anEmptyStringIsAValueForAStringParameter() {
    check.check(change(Map.of("application_name", "")));
  }

  @Test
  void resetNamesMustBeSettableAndNotAlsoSet() {
    DatastoreException both =
        catchThrowableOfType(
            () -> check.check(new ConfigurationChange(Map.of("jit", "on"), Set.of("jit"))),
            DatastoreException.class);
    assertThat(both.field()).isEqualTo("reset");
    DatastoreException unknown =
        catchThrowableOfType(
            () -> check.check(new ConfigurationChange(Map.of(), Set.of("data_directory"))),
            DatastoreException.class);
    assertThat(unknown.field()).isEqualTo("reset");
    DatastoreException empty =
        catchThrowableOfType(
            () -> check.check(new ConfigurationChange(Map.of(), Set.of())),
            DatastoreException.class);
    assertThat(empty.code()).isEqualTo(DatastoreException.Code.INVALID_ARGUMENT);
  }

  private String field(Map<String, String> values) {
    DatastoreException e =
        catchThrowableOfType(() -> check.check(change(values)), DatastoreException.class);
    assertThat(e).as("refused: %s", values).isNotNull();
    assertThat(e.code()).isEqualTo(DatastoreException.Code.INVALID_ARGUMENT);
    return e.field();
  }

  private static ConfigurationChange change(Map<String, String> values) {
    return new ConfigurationChange(values, Set.of());
  }
}
