package io.coffer.plugin.mysql.naming;

/**
 * A validated, user-manageable MariaDB account {@code 'name'@'host'} (<a
 * href="https://mariadb.com/kb/en/create-user/#account-names">account names</a>).
 */
public record Account(String name, String host) {

  /**
   * Validates both parts (fields {@code name} and {@code host}) and refuses reserved accounts,
   * {@code reserved}'s included. An empty host means {@code %}, as in {@link
   * io.coffer.spi.UserAccount}.
   */
  public static Account of(String name, String host, ReservedAccounts reserved) {
    String h = host == null || host.isEmpty() ? "%" : host;
    return new Account(reserved.userManaged("name", name), IdentifierRules.host("host", h));
  }

  @Override
  public String toString() {
    return "'" + name + "'@'" + host + "'";
  }
}
