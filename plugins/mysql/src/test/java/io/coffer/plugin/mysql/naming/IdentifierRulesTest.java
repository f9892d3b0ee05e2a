package io.coffer.plugin.mysql.naming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.spi.DatastoreException;
import io.coffer.spi.Secret;
import java.util.function.Consumer;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdentifierRulesTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "app", "App_DB", "db-1", "cost$", "12345", "_x"})
  void acceptsDatabaseNames(String name) {
    assertThat(IdentifierRules.databaseName("database.name", name)).isEqualTo(name);
  }

  @Test
  void acceptsDatabaseNameOfMaximumLength() {
    String name = "d".repeat(64);
    assertThat(IdentifierRules.databaseName("database.name", name)).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a'b",
        "a\"b",
        "a`b",
        "x`; DROP DATABASE mysql; --",
        "a;b",
        "a b",
        "a ",
        " a",
        "a/b",
        "a\\b",
        "a\0b",
        "a.b",
        "a\nb",
        "a\tb",
        "a%b",
        "a*b",
        "café",
        "数据库",
        "a\uD83D\uDE00",
        "a:b",
        "a#b"
      })
  void rejectsBadDatabaseNames(String name) {
    assertInvalid("database.name", () -> IdentifierRules.databaseName("database.name", name));
  }

  @Test
  void rejectsEmptyNullAndTooLongDatabaseNames() {
    assertInvalid("database.name", () -> IdentifierRules.databaseName("database.name", ""))
        .hasMessageContaining("must not be empty");
    assertInvalid("database.name", () -> IdentifierRules.databaseName("database.name", null));
    assertInvalid(
            "database.name", () -> IdentifierRules.databaseName("database.name", "d".repeat(65)))
        .hasMessageContaining("at most 64 characters, got 65");
  }

  @Test
  void messageNamesTheCharacterAndItsPositionWithoutEchoingControlCharacters() {
    assertInvalid("database.name", () -> IdentifierRules.databaseName("database.name", "ab`c"))
        .hasMessageStartingWith("database.name: ")
        .hasMessageContaining("U+0060 '`' at position 3");
    assertInvalid("database.name", () -> IdentifierRules.databaseName("database.name", "ab\0c"))
        .hasMessageContaining("U+0000 at position 3")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\0"));
    assertInvalid(
            "database.name", () -> IdentifierRules.databaseName("database.name", "x\uD83D\uDE00"))
        .hasMessageContaining("U+1F600 at position 2");
  }

  @ParameterizedTest
  @ValueSource(strings = {"alice", "app.reader", "bob_2", "svc-x", "a$b", "1"})
  void acceptsUserNames(String name) {
    assertThat(IdentifierRules.userName("name", name)).isEqualTo(name);
    assertThat(IdentifierRules.userName("name", "u".repeat(80))).hasSize(80);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "bob'@'%", "a\"b", "a`b", "a;b", "a b", "a/b", "a\\b", "a\0b", "a@b", "josé"})
  void rejectsBadUserNames(String name) {
    assertInvalid("name", () -> IdentifierRules.userName("name", name));
    assertInvalid("name", () -> IdentifierRules.userName("name", "u".repeat(81)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "%",
        "localhost",
        "10.0.0.1",
        "10.0.%",
        "192.168.1._",
        "db-1.example.com",
        "%.example.com",
        "::1",
        "fe80::1",
        "2001:db8::%",
        "::ffff:10.0.0.1"
      })
  void acceptsHosts(String host) {
    assertThat(IdentifierRules.host("host", host)).isEqualTo(host);
  }

  @Test
  void lowerCasesHosts() {
    assertThat(IdentifierRules.host("host", "DB.Example.COM")).isEqualTo("db.example.com");
    assertThat(IdentifierRules.host("host", "FE80::1")).isEqualTo("fe80::1");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "a b",
        "%' OR 1=1 --",
        "a'b",
        "a`b",
        "a;b",
        "10.0.0.0/255.0.0.0",
        "a\\b",
        "a\0b",
        "höst",
        "[::1]"
      })
  void rejectsBadHosts(String host) {
    assertInvalid("host", () -> IdentifierRules.host("host", host));
  }

  @Test
  void rejectsTooLongHost() {
    assertThat(IdentifierRules.host("host", "h".repeat(255))).hasSize(255);
    assertInvalid("host", () -> IdentifierRules.host("host", "h".repeat(256)));
  }

  @Test
  void passwordsMayContainAnythingButNulAndAreNeverEchoed() {
    Secret tricky = Secret.of("p'a\"s`s\\w;-- é数");
    assertThat(IdentifierRules.password("password", tricky)).isSameAs(tricky);
    assertThat(IdentifierRules.password("password", Secret.of("x".repeat(256)))).isNotNull();

    assertInvalid("password", () -> IdentifierRules.password("password", Secret.of("")));
    assertInvalid("password", () -> IdentifierRules.password("password", null));
    assertInvalid(
        "password", () -> IdentifierRules.password("password", Secret.of("x".repeat(257))));
    assertInvalid(
            "password", () -> IdentifierRules.password("password", Secret.of("secretpart\0rest")))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secretpart"));
  }

  @Test
  void charsetNames() {
    assertThat(IdentifierRules.charsetName("database.character_set", "utf8mb4"))
        .isEqualTo("utf8mb4");
    assertThat(IdentifierRules.charsetName("database.collation", "utf8mb4_unicode_520_ci"))
        .isNotEmpty();
    for (String bad : new String[] {"", "utf8mb4 ", "utf8`", "utf-8", "latin1;", "x".repeat(33)}) {
      assertInvalid(
          "database.collation", () -> IdentifierRules.charsetName("database.collation", bad));
    }
  }

  static AbstractThrowableAssert<?, ? extends Throwable> assertInvalid(
      String field, ThrowableAssert.ThrowingCallable call) {
    return assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            DatastoreException.class,
            (Consumer<DatastoreException>)
                e -> {
                  assertThat(e.code()).isEqualTo(DatastoreException.Code.INVALID_ARGUMENT);
                  assertThat(e.field()).isEqualTo(field);
                  assertThat(e.getMessage()).startsWith(field + ": ");
                });
  }
}
