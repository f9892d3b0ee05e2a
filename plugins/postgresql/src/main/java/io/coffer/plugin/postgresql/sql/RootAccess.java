package io.coffer.plugin.postgresql.sql;

import static io.coffer.plugin.postgresql.naming.SqlIdentifiers.quote;

import io.coffer.plugin.kit.sql.AdminSession;
import io.coffer.plugin.kit.sql.Sql;
import io.coffer.plugin.postgresql.naming.IdentifierRules;
import io.coffer.plugin.postgresql.naming.ReservedNames;
import io.coffer.spi.Secret;
import io.coffer.spi.user.Superuser;

/**
 * Enables the superuser {@value ReservedNames#ROOT_ROLE} for login over TCP (scram-sha-256) with
 * the caller's password, sent as its SCRAM verifier only ({@link Passwords}), creating the role the
 * first time, as Trove's "root enable" does for PostgreSQL. The agent's own admin role is never
 * touched.
 */
public final class RootAccess implements Superuser {

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
    String passwordClause = Passwords.clause(password);
    String root = quote(ReservedNames.ROOT_ROLE);
    session.execute(
        "enable root",
        true,
        c -> {
          if (!Catalog.roleExists(c, ReservedNames.ROOT_ROLE)) {
            Sql.ddl(c, "CREATE ROLE " + root + " SUPERUSER LOGIN " + passwordClause);
          } else {
            Sql.ddl(c, "ALTER ROLE " + root + " WITH SUPERUSER LOGIN " + passwordClause);
          }
          return null;
        });
    return ReservedNames.ROOT_ROLE;
  }
}
