package io.coffer.plugin.postgresql.sql;

import static io.coffer.plugin.postgresql.naming.SqlIdentifiers.quote;

import io.coffer.plugin.postgresql.naming.ReservedNames;
import io.coffer.spi.Credentials;
import io.coffer.spi.Secret;

/**
 * Enables the superuser {@value ReservedNames#ROOT_ROLE} for login over TCP (scram-sha-256) with a
 * fresh random password, creating it the first time, as Trove's "root enable" does for PostgreSQL.
 * The agent's own admin role is never touched.
 */
public final class RootAccess {

  static final int PASSWORD_LENGTH = 24;

  private final AdminSession session;

  public RootAccess(AdminSession session) {
    this.session = session;
  }

  public Credentials enable() {
    String password = RandomPasswords.alphanumeric(PASSWORD_LENGTH);
    String passwordClause = Passwords.clause(Secret.of(password));
    String root = quote(ReservedNames.ROOT_ROLE);
    session.execute("enable root", true, c -> {
      if (!Catalog.roleExists(c, ReservedNames.ROOT_ROLE)) {
        Sql.ddl(c, "CREATE ROLE " + root + " SUPERUSER LOGIN " + passwordClause);
      } else {
        Sql.ddl(c, "ALTER ROLE " + root + " WITH SUPERUSER LOGIN " + passwordClause);
      }
      return null;
    });
    return new Credentials(ReservedNames.ROOT_ROLE, Secret.of(password));
  }
}
