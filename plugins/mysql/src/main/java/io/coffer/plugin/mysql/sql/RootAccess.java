package io.coffer.plugin.mysql.sql;

import io.coffer.plugin.kit.sql.AdminSession;
import io.coffer.plugin.kit.sql.Sql;
import io.coffer.plugin.mysql.naming.IdentifierRules;
import io.coffer.spi.Secret;
import io.coffer.spi.user.Superuser;

/**
 * Enables remote superuser access as {@code root@'%'} with the caller's password, sent to the
 * server as its {@code mysql_native_password} hash only ({@link NativePasswordHash}). The local
 * {@code root@localhost} account (unix_socket, used by the agent) is left untouched.
 */
public final class RootAccess implements Superuser {

  static final String ROOT = "root";

  private final AdminSession session;

  public RootAccess(AdminSession session) {
    this.session = session;
  }

  /**
   * @return the superuser's name
   */
  @Override
  public String enable(Secret password) {
    IdentifierRules.password("password", password);
    String hash = NativePasswordHash.of(password);
    session.execute(
        "enable root",
        true,
        c -> {
          // IF NOT EXISTS + ALTER: works whether or not root was enabled before, without ever
          // dropping the account (CREATE OR REPLACE would briefly remove its grants).
          Sql.update(c, "CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY PASSWORD ?", hash);
          Sql.update(c, "ALTER USER 'root'@'%' IDENTIFIED BY PASSWORD ?", hash);
          Sql.update(c, "GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION");
          return null;
        });
    return ROOT;
  }
}
