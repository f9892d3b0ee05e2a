package io.coffer.plugin.cassandra.cql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.spi.DatastoreException;
import io.coffer.spi.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mindrot.jbcrypt.BCrypt;

class CqlNamesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "Shop",
        "1shop",
        "_shop",
        "sh-op",
        "sh\"op",
        "sh'op",
        "system",
        "system_auth",
        "system_whatever"
      })
  void badKeyspaceNamesAreRefused(String name) {
    assertThatThrownBy(() -> CqlNames.keyspace("database.name", name))
        .isInstanceOf(DatastoreException.class)
        .satisfies(e -> assertThat(((DatastoreException) e).field()).isEqualTo("database.name"));
  }

  @Test
  void keyspaceNamesStopAtCassandrasLimit() {
    assertThat(CqlNames.keyspace("n", "k".repeat(48))).hasSize(48);
    assertThatThrownBy(() -> CqlNames.keyspace("n", "k".repeat(49)))
        .isInstanceOf(DatastoreException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"cassandra", "root", "coffer_admin", "coffer_x", "a b", "Bob"})
  void reservedOrBadRoleNamesAreRefused(String name) {
    assertThatThrownBy(() -> CqlNames.role("user.name", name))
        .isInstanceOf(DatastoreException.class);
  }

  @Test
  void quotingDoublesTheQuote() {
    assertThat(CqlNames.quote("a\"b")).isEqualTo("\"a\"\"b\"");
    assertThat(CqlNames.literal("it's")).isEqualTo("'it''s'");
  }

  @Test
  void theHashIsBcryptOfThePasswordAndNeverThePasswordItself() {
    String hash = PasswordHash.of(Secret.of("Sesame-1"));
    assertThat(hash).startsWith("$2a$10$").doesNotContain("Sesame").matches("[./A-Za-z0-9$]+");
    assertThat(BCrypt.checkpw("Sesame-1", hash)).isTrue();
  }

  @Test
  void passwordsLongerThanBcryptReadsAreRefused() {
    assertThat(PasswordHash.check("password", Secret.of("x".repeat(72)))).isNotNull();
    assertThatThrownBy(() -> PasswordHash.check("password", Secret.of("é".repeat(40))))
        .isInstanceOf(DatastoreException.class)
        .hasMessageContaining("72 bytes");
  }
}
