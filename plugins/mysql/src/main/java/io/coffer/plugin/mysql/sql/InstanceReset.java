package io.coffer.plugin.mysql.sql;

import io.coffer.plugin.kit.sql.AdminSession;
import io.coffer.plugin.kit.sql.Sql;
import io.coffer.plugin.mysql.naming.ReservedAccounts;
import io.coffer.plugin.mysql.naming.ReservedNames;
import io.coffer.plugin.mysql.naming.SqlIdentifiers;
import java.sql.Statement;
import java.util.List;

/**
 * Takes an instance back to empty after a failed logical restore: drops every user database and
 * every user-managed account, whatever their names (a dump may hold names outside Coffer's naming
 * rules, so names are quoted, not validated). System schemas and internal accounts ({@link
 * ReservedNames}) are never touched.
 */
public final class InstanceReset {

  private final AdminSession session;
  private final ReservedAccounts reserved;

  /**
   * @param reserved the accounts left alone (the agent's own among them)
   */
  public InstanceReset(AdminSession session, ReservedAccounts reserved) {
    this.reserved = reserved;
    this.session = session;
  }

  public void dropUserContent() {
    session.execute(
        "empty the instance",
        false,
        c -> {
          List<String> databases =
              Sql.query(
                  c, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA", rs -> rs.getString(1));
          try (Statement st = c.createStatement()) {
            for (String db : databases) {
              if (!ReservedNames.isSystemDatabase(db)) {
                st.executeUpdate("DROP DATABASE IF EXISTS " + SqlIdentifiers.quote(db));
              }
            }
          }
          for (String[] account :
              Sql.query(
                  c,
                  "SELECT User, Host FROM mysql.user WHERE is_role = 'N'",
                  rs -> new String[] {rs.getString(1), rs.getString(2)})) {
            if (!reserved.isReserved(account[0])) {
              Sql.update(c, "DROP USER IF EXISTS ?@?", account[0], account[1]);
            }
          }
          return null;
        });
  }
}
