package io.coffer.plugin.postgresql.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.spi.DatastoreException;
import io.coffer.spi.Secret;
import io.coffer.spi.replication.ReplicationSource;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What reaches primary_conninfo, slot names and WAL positions is validated first. */
class ReplicationInputTest {
  private static final Secret GOOD = Secret.of("Zq3_kP9-xY2mN7wR4tB6vC8d");

  @Test
  void aSourceThatCouldInjectIntoTheConnectionStringIsRefusedNamingTheField() {
    expect(
        "source.host",
        new ReplicationSource("db1 password=x", 5432, "coffer_repl", GOOD, Map.of(), false));
    expect(
        "source.host", new ReplicationSource("db'1", 5432, "coffer_repl", GOOD, Map.of(), false));
    expect(
        "source.port", new ReplicationSource("10.0.0.7", 0, "coffer_repl", GOOD, Map.of(), false));
    expect(
        "source.user", new ReplicationSource("10.0.0.7", 5432, "postgres", GOOD, Map.of(), false));
    expect(
        "source.password",
        new ReplicationSource(
            "10.0.0.7", 5432, "coffer_repl", Secret.of("short"), Map.of(), false));
    expect(
        "source.password",
        new ReplicationSource(
            "10.0.0.7",
            5432,
            "coffer_repl",
            Secret.of("x".repeat(20) + "' host=evil"),
            Map.of(),
            false));

    SourceConnection ok =
        SourceConnection.of(
            new ReplicationSource("DB-1.Example.org", 5432, "coffer_repl", GOOD, Map.of(), false));
    assertThat(ok.conninfo("coffer_db2"))
        .isEqualTo(
            "host=db-1.example.org port=5432 user=coffer_repl password="
                + GOOD.reveal()
                + " application_name=coffer_db2 connect_timeout=5");
  }

  @Test
  void slotNamesAreValidForPostgresqlWhateverTheInstanceId() {
    assertThat(SlotName.of("rp-a")).isEqualTo("coffer_rp_a");
    String longId = "a".repeat(63);
    assertThat(SlotName.of(longId))
        .matches("coffer_[0-9a-f]{32}")
        .isNotEqualTo(SlotName.of("b".repeat(63)));
  }

  @Test
  void positionsMustBeLsns() {
    assertThat(Lsn.check("position", "0/3000060")).isEqualTo("0/3000060");
    assertThat(Lsn.check("position", "a/ff")).isEqualTo("A/FF");
    for (String bad : new String[] {"", "latest", "0-1-5", "0/3000060'; DROP TABLE t; --"}) {
      assertThatThrownBy(() -> Lsn.check("position", bad))
          .isInstanceOfSatisfying(
              DatastoreException.class, e -> assertThat(e.field()).isEqualTo("position"));
    }
  }

  private static void expect(String field, ReplicationSource source) {
    assertThatThrownBy(() -> SourceConnection.of(source))
        .isInstanceOfSatisfying(
            DatastoreException.class,
            e -> {
              assertThat(e.code()).isEqualTo(DatastoreException.Code.INVALID_ARGUMENT);
              assertThat(e.field()).as(e.getMessage()).isEqualTo(field);
            });
  }
}
