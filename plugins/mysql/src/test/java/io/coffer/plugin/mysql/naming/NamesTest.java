package io.coffer.plugin.mysql.naming;

import static io.coffer.plugin.mysql.naming.IdentifierRulesTest.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {

  @Test
  void quotesWithBackticksDoublingEmbeddedOnes() {
    assertThat(SqlIdentifiers.quote("shop")).isEqualTo("`shop`");
    assertThat(SqlIdentifiers.quote("a`b")).isEqualTo("`a``b`");
    assertThat(SqlIdentifiers.quote("`; DROP DATABASE x; --"))
        .isEqualTo("```; DROP DATABASE x; --`");
    assertThatThrownBy(() -> SqlIdentifiers.quote("a\0b"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void grantPatternsEscapeWildcardsAndRoundTrip() {
    assertThat(SqlIdentifiers.grantPattern("my_db")).isEqualTo("my\\_db");
    assertThat(SqlIdentifiers.grantPattern("a%b\\c")).isEqualTo("a\\%b\\\\c");
    for (String name : new String[] {"shop", "my_db", "a__b", "a%b\\c", "x$-y"}) {
      assertThat(SqlIdentifiers.fromGrantPattern(SqlIdentifiers.grantPattern(name)))
          .isEqualTo(name);
    }
    // Patterns written by others without escaping read back unchanged.
    assertThat(SqlIdentifiers.fromGrantPattern("my_db")).isEqualTo("my_db");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "mysql",
        "MySQL",
        "information_schema",
        "performance_schema",
        "sys",
        "#mysql50#lost+found"
      })
  void systemDatabases(String name) {
    assertThat(ReservedNames.isSystemDatabase(name)).isTrue();
  }

  @Test
  void systemDatabasesCannotBeManaged() {
    assertInvalid("database.name", () -> ReservedNames.userDatabase("database.name", "mysql"))
        .hasMessageContaining("is a system database");
    assertInvalid("databases", () -> ReservedNames.userDatabase("databases", "SYS"))
        .hasMessageContaining("is a system database");
    assertThat(ReservedNames.userDatabase("database.name", "mysql_app")).isEqualTo("mysql_app");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "root",
        "ROOT",
        "mariadb.sys",
        "mysql",
        "PUBLIC",
        "public",
        "coffer_admin",
        "COFFER_x"
      })
  void reservedAccountsCannotBeManaged(String name) {
    assertInvalid("name", () -> Account.of(name, "%", ReservedAccounts.NONE))
        .hasMessageContaining("reserved");
  }

  @Test
  void accountsValidateBothPartsAndDefaultTheHost() {
    assertThat(Account.of("alice", "", ReservedAccounts.NONE)).isEqualTo(new Account("alice", "%"));
    assertThat(Account.of("alice", null, ReservedAccounts.NONE))
        .isEqualTo(new Account("alice", "%"));
    assertThat(Account.of("alice", "LocalHost", ReservedAccounts.NONE))
        .isEqualTo(new Account("alice", "localhost"));
    assertThat(Account.of("rooty", "%", ReservedAccounts.NONE).toString()).isEqualTo("'rooty'@'%'");
    assertInvalid("name", () -> Account.of("al'ice", "%", ReservedAccounts.NONE));
    assertInvalid("host", () -> Account.of("alice", "%' --", ReservedAccounts.NONE));
  }

  @Test
  void theAgentsOwnAccountsOnAnInstanceAreReservedThere() {
    ReservedAccounts guest = ReservedAccounts.of("coffer", "mysql");
    assertThat(guest.isReserved("coffer")).isTrue();
    assertThat(guest.isReserved("Coffer")).isTrue();
    assertThat(guest.isReserved("root")).isTrue();
    assertThat(guest.isReserved("alice")).isFalse();
    assertInvalid("name", () -> Account.of("COFFER", "localhost", guest))
        .hasMessageContaining("the agent's own account");
    assertThat(Account.of("coffer", "%", ReservedAccounts.NONE).name()).isEqualTo("coffer");
  }
}
