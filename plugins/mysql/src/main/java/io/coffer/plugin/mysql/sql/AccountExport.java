package io.coffer.plugin.mysql.sql;

import io.coffer.plugin.kit.sql.AdminSession;
import io.coffer.plugin.kit.sql.Sql;
import io.coffer.plugin.mysql.naming.ReservedAccounts;
import io.coffer.plugin.mysql.naming.ReservedNames;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * SQL that re-creates the user-managed accounts and their grants, for logical backups: each
 * statement is the server's own (<a href="https://mariadb.com/kb/en/show-create-user/">SHOW CREATE
 * USER</a>, <a href="https://mariadb.com/kb/en/show-grants/">SHOW GRANTS</a>), so quoting and
 * password hashes are exactly what the server prints, as with {@code mariadb-dump --system=users}.
 *
 * <p>Unlike {@code --system=users}, which dumps every account, this leaves out the system and
 * internal accounts ({@link ReservedNames}: root, mariadb.sys, mysql, coffer_*): a restore must
 * never replace the target's own {@code root@localhost} and friends. Roles are not exported, and
 * grants of roles are skipped (a restore would fail on a role that does not exist).
 */
public final class AccountExport {

  /**
   * The statements, each ending with {@code ;} and a newline; both empty when there are no such
   * accounts.
   *
   * @param accounts CREATE USER statements: replay them before the databases, so that the DEFINERs
   *     of views, routines, triggers and events exist
   * @param grants GRANT statements: replay them after the databases, since table, column and
   *     routine grants need their objects to exist
   */
  public record Script(String accounts, String grants) {}

  private final AdminSession session;
  private final ReservedAccounts reserved;

  /**
   * @param reserved the accounts left alone (the agent's own among them)
   */
  public AccountExport(AdminSession session, ReservedAccounts reserved) {
    this.reserved = reserved;
    this.session = session;
  }

  public Script script() {
    return session.execute(
        "export user accounts",
        false,
        c -> {
          StringBuilder accounts = new StringBuilder();
          StringBuilder grants = new StringBuilder();
          for (String[] account :
              Sql.query(
                  c,
                  "SELECT User, Host FROM mysql.user WHERE is_role = 'N' ORDER BY User, Host",
                  rs -> new String[] {rs.getString(1), rs.getString(2)})) {
            if (!reserved.isReserved(account[0])) {
              append(c, account[0], account[1], accounts, grants);
            }
          }
          return new Script(accounts.toString(), grants.toString());
        });
  }

  private static void append(
      Connection c, String user, String host, StringBuilder accounts, StringBuilder grants)
      throws SQLException {
    for (String create : Sql.query(c, "SHOW CREATE USER ?@?", rs -> rs.getString(1), user, host)) {
      accounts.append(create).append(";\n");
    }
    for (String grant : Sql.query(c, "SHOW GRANTS FOR ?@?", rs -> rs.getString(1), user, host)) {
      // Privilege grants start with a keyword (USAGE, SELECT, ALL PRIVILEGES, PROXY); role grants
      // with the role's quoted name.
      if (!grant.startsWith("GRANT `")) {
        grants.append(grant).append(";\n");
      }
    }
  }
}
