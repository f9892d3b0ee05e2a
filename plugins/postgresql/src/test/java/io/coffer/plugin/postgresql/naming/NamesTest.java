package io.coffer.plugin.postgresql.naming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.spi.DatastoreException;
import io.coffer.spi.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {

  @ParameterizedTest
  @ValueSource(strings = {"app", "App_DB", "12345", "a-b", "a$b", "user", "select"})
  void goodDatabaseNamesPass(String name) {
    assertThat(ReservedNames.userDatabase("database.name", name)).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "a b",
        "a.b",
        "a'b",
        "a\"b",
        "a;b",
        "a\\b",
        "a/b",
        "é",
        "a\0b",
        "postgres",
        "TEMPLATE0",
        "template1"
      })
  void badDatabaseNamesAreRefusedNamingTheField(String name) {
    assertThatThrownBy(() -> ReservedNames.userDatabase("database.name", name))
        .isInstanceOfSatisfying(
            DatastoreException.class,
            e -> {
              assertThat(e.code()).isEqualTo(DatastoreException.Code.INVALID_ARGUMENT);
              assertThat(e.field()).isEqualTo("database.name");
            });
  }

  @Test
  void namesAreLimitedTo63BytesInsteadOfBeingTruncatedByTheServer() {
    assertThat(IdentifierRules.databaseName("f", "d".repeat(63))).hasSize(63);
    assertThatThrownBy(() -> IdentifierRules.databaseName("f", "d".repeat(64)))
        .hasMessageContaining("at most 63");
    assertThatThrownBy(() -> IdentifierRules.roleName("f", "r".repeat(64)))
        .hasMessageContaining("at most 63");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "postgres",
        "Postgres",
        "coffer_admin",
        "coffer_repl",
        "pg_monitor",
        "PG_SIGNAL_BACKEND",
        "public",
        "none",
        "current_user",
        "current_role",
        "session_user",
        ""
      })
  void reservedRolesAreRefused(String name) {
    assertThat(ReservedNames.isReservedRole(name)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"alice", "Bob.2", "app-user", "pgadmin", "root"})
  void ordinaryRolesPass(String name) {
    assertThat(ReservedNames.userRole("name", name)).isEqualTo(name);
  }

  @Test
  void passwordsAreCheckedWithoutShowingThem() {
    assertThat(IdentifierRules.password("password", Secret.of("p'\"\\; é")).reveal())
        .isEqualTo("p'\"\\; é");
    assertThatThrownBy(() -> IdentifierRules.password("password", Secret.of("")))
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> IdentifierRules.password("password", Secret.of("a\0secret")))
        .hasMessageContaining("NUL")
        .hasMessageNotContaining("secret");
    assertThatThrownBy(() -> IdentifierRules.password("password", Secret.of("x".repeat(257))))
        .hasMessageContaining("256");
  }

  @Test
  void encodingsAndLocalesAreNamesNotSql() {
    assertThat(IdentifierRules.encodingName("f", "UTF8")).isEqualTo("UTF8");
    assertThat(IdentifierRules.encodingName("f", "ISO-8859-1")).isEqualTo("ISO-8859-1");
    assertThat(IdentifierRules.localeName("f", "en_US.UTF-8")).isEqualTo("en_US.UTF-8");
    assertThat(IdentifierRules.localeName("f", "sr_RS.UTF-8@latin")).isEqualTo("sr_RS.UTF-8@latin");
    assertThatThrownBy(() -> IdentifierRules.encodingName("f", "UTF8'; --"))
        .isInstanceOf(DatastoreException.class);
    assertThatThrownBy(() -> IdentifierRules.localeName("f", "C' TEMPLATE x"))
        .isInstanceOf(DatastoreException.class);
  }

  @Test
  void quotingDoublesQuotesAndRefusesWhatCannotBeQuotedSafely() {
    assertThat(SqlIdentifiers.quote("shop")).isEqualTo("\"shop\"");
    assertThat(SqlIdentifiers.quote("a\"b")).isEqualTo("\"a\"\"b\"");
    assertThat(SqlIdentifiers.literal("it's")).isEqualTo("'it''s'");
    assertThat(SqlIdentifiers.literal("SCRAM-SHA-256$4096:c2FsdA==$a2V5:c2VydmVy"))
        .isEqualTo("'SCRAM-SHA-256$4096:c2FsdA==$a2V5:c2VydmVy'");
    assertThatThrownBy(() -> SqlIdentifiers.quote("a\0b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SqlIdentifiers.literal("a\\b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SqlIdentifiers.literal("a\0b"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
