package io.coffer.plugin.mysql.sql;

import io.coffer.spi.Credentials;
import io.coffer.spi.Secret;

/**
 * Enables remote superuser access as {@code root@'%'} with a fresh random password. The local
 * {@code root@localhost} account (unix_socket, used by the agent) is left untouched.
 */
public final class RootAccess {

  static final int PASSWORD_LENGTH = 24;

  private final AdminSession session;

  public RootAccess(AdminSession session) {
    this.session = session;
  }

  public Credentials enable() {
    String password = RandomPasswords.alphanumeric(PASSWORD_LENGTH);
    session.execute("enable root", true, c -> {
      // IF NOT EXISTS + ALTER: works whether or not root was enabled before, without ever
      // dropping the account (CREATE OR REPLACE would briefly remove its grants).
      Sql.update(c, "CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY ?", password);
      Sql.update(c, "ALTER USER 'root'@'%' IDENTIFIED BY ?", password);
      Sql.update(c, "GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION");
      return null;
    });
    return new Credentials("root", Secret.of(password));
  }
}
