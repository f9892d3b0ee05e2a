package io.coffer.plugin.cassandra.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.spi.DatastoreException;
import io.coffer.spi.config.ConfigurationChange;
import io.coffer.spi.config.ParameterType;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CassandraParametersTest {
  @TempDir Path tmp;

  @Test
  void valuesAreWrittenAsCassandraPrintsThemWhateverTheUnitGiven() {
    assertThat(CassandraParameters.canonical("read_request_timeout", "5s")).isEqualTo("5000ms");
    assertThat(CassandraParameters.canonical("read_request_timeout", "7000")).isEqualTo("7000ms");
    assertThat(CassandraParameters.canonical("compaction_throughput", "32MiB/s"))
        .isEqualTo("32MiB/s");
    assertThat(CassandraParameters.canonical("compaction_throughput", "1GiB/s"))
        .isEqualTo("1024MiB/s");
    assertThat(CassandraParameters.canonical("compaction_throughput", "16")).isEqualTo("16MiB/s");
    assertThat(CassandraParameters.canonical("hinted_handoff_enabled", "FALSE")).isEqualTo("false");
    assertThat(CassandraParameters.canonical("tombstone_warn_threshold", "2000")).isEqualTo("2000");
  }

  @Test
  void theDefaultsAreAcceptedByTheirOwnRules() {
    CassandraParameters.ALL.forEach(
        (name, p) -> {
          if (p.rule().type() == ParameterType.INTEGER) {
            double n = CassandraParameters.NUMBERS.read(p.rule(), p.defaultValue()).orElseThrow();
            assertThat(n).as(name).isBetween(p.rule().min(), p.rule().max());
          }
        });
  }

  @Test
  void badValuesAndTheAgentsOwnSettingsAreRefusedNamingThem() {
    CassandraConfiguration config =
        new CassandraConfiguration(null, null, new Overrides(tmp.resolve("p.json")));
    for (Map.Entry<String, String> bad :
        Map.of(
                "tombstone_warn_threshold", "lots",
                "read_request_timeout", "0",
                "compaction_throughput", "10 parsecs",
                "hinted_handoff_enabled", "maybe",
                "memtable_allocation_type", "on_the_heap",
                "authenticator", "AllowAllAuthenticator",
                "listen_address", "10.0.0.9")
            .entrySet()) {
      assertThatThrownBy(
              () ->
                  config.apply(
                      new ConfigurationChange(Map.of(bad.getKey(), bad.getValue()), Set.of())))
          .isInstanceOf(DatastoreException.class)
          .hasMessageContaining(bad.getKey());
    }
    assertThat(tmp.resolve("p.json")).doesNotExist();
  }

  @Test
  void overridesAreTypedForYaml() {
    assertThat(
            CassandraParameters.yaml(
                Map.of(
                    "hinted_handoff_enabled", "false",
                    "concurrent_compactors", "4",
                    "read_request_timeout", "7000ms",
                    "gone_parameter", "1")))
        .containsEntry("hinted_handoff_enabled", false)
        .containsEntry("concurrent_compactors", 4L)
        .containsEntry("read_request_timeout", "7000ms")
        .doesNotContainKey("gone_parameter");
  }
}
