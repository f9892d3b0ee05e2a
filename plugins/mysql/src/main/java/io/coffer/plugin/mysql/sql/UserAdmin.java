package io.coffer.plugin.mysql.sql;

import io.coffer.plugin.kit.sql.AdminSession;
import io.coffer.plugin.kit.sql.Sql;
import io.coffer.plugin.mysql.naming.Account;
import io.coffer.plugin.mysql.naming.IdentifierRules;
import io.coffer.plugin.mysql.naming.ReservedAccounts;
import io.coffer.plugin.mysql.naming.ReservedNames;
import io.coffer.plugin.mysql.naming.SqlIdentifiers;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.Secret;
import io.coffer.spi.UserAccount;
import io.coffer.spi.user.Users;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * User accounts and their database grants (<a href="https://mariadb.com/kb/en/create-user/">CREATE
 * USER</a>, <a href="https://mariadb.com/kb/en/grant/">GRANT</a>, <a
 * href="https://mariadb.com/kb/en/revoke/">REVOKE</a>, <a
 * href="https://mariadb.com/kb/en/alter-user/">ALTER USER</a>, <a
 * href="https://mariadb.com/kb/en/drop-user/">DROP USER</a>). Account names and password hashes are
 * bound parameters (the server gets the {@link NativePasswordHash}, never the password); database
 * names are validated and quoted as exact grant patterns.
 */
public final class UserAdmin implements Users {

  private static final Logger log = LoggerFactory.getLogger(UserAdmin.class);

  private final AdminSession session;
  private final ReservedAccounts reserved;

  /**
   * @param reserved the accounts users may not manage here (the agent's own among them)
   */
  public UserAdmin(AdminSession session, ReservedAccounts reserved) {
    this.reserved = reserved;
    this.session = session;
  }

  /** Accounts other than roles, system and internal accounts, with the databases each may use. */
  @Override
  public List<UserAccount> list() {
    return session.execute(
        "list users",
        false,
        c -> {
          Map<List<String>, List<String>> grants = new LinkedHashMap<>();
          for (String[] row :
              Sql.query(
                  c,
                  "SELECT User, Host, Db FROM mysql.db ORDER BY Db",
                  rs -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)})) {
            grants
                .computeIfAbsent(List.of(row[0], row[1]), k -> new ArrayList<>())
                .add(SqlIdentifiers.fromGrantPattern(row[2]));
          }
          List<UserAccount> users = new ArrayList<>();
          for (String[] row :
              Sql.query(
                  c,
                  "SELECT User, Host FROM mysql.user WHERE is_role = 'N' ORDER BY User, Host",
                  rs -> new String[] {rs.getString(1), rs.getString(2)})) {
            if (!reserved.isReserved(row[0])) {
              users.add(
                  new UserAccount(
                      row[0], row[1], grants.getOrDefault(List.of(row[0], row[1]), List.of())));
            }
          }
          return users;
        });
  }

  /** Creates the account and its grants; drops it again if a grant fails. */
  @Override
  public void create(UserAccount user, Secret password) {
    if (!user.accessRules().isEmpty()) {
      throw DatastoreException.invalidArgument(
          "access_rules", "this engine grants access per database; leave it empty");
    }
    Account account = Account.of(user.name(), user.host(), reserved);
    IdentifierRules.password("password", password);
    List<String> databases = grantTargets(user.databases());
    String hash = NativePasswordHash.of(password);
    session.execute(
        "create user " + account,
        true,
        c -> {
          Catalog.requireDatabases(c, databases);
          try {
            Sql.update(
                c,
                "CREATE USER ?@? IDENTIFIED BY PASSWORD ?",
                account.name(),
                account.host(),
                hash);
          } catch (SQLException e) {
            if (e.getErrorCode() == SqlErrors.ER_CANNOT_USER) {
              throw DatastoreException.alreadyExists("name", "user " + account + " already exists");
            }
            throw e;
          }
          try {
            grant(c, account, databases);
          } catch (SQLException | RuntimeException e) {
            dropQuietly(c, account);
            throw e;
          }
          return null;
        });
  }

  @Override
  public void delete(String name, String host) {
    Account account = Account.of(name, host, reserved);
    session.execute(
        "drop user " + account,
        false,
        c -> {
          try {
            Sql.update(c, "DROP USER ?@?", account.name(), account.host());
          } catch (SQLException e) {
            if (e.getErrorCode() == SqlErrors.ER_CANNOT_USER) {
              throw Catalog.notFound(account);
            }
            throw e;
          }
          return null;
        });
  }

  @Override
  public void grantAccess(String name, String host, List<String> databaseNames) {
    Account account = Account.of(name, host, reserved);
    List<String> databases = grantTargets(databaseNames);
    session.execute(
        "grant access to " + account,
        false,
        c -> {
          Catalog.requireAccount(c, account);
          Catalog.requireDatabases(c, databases);
          try {
            grant(c, account, databases);
          } catch (SQLException e) {
            // NO_AUTO_CREATE_USER: the account vanished between the check and the GRANT.
            if (e.getErrorCode() == SqlErrors.ER_PASSWORD_NO_MATCH) {
              throw Catalog.notFound(account);
            }
            throw e;
          }
          return null;
        });
  }

  /** Idempotent per database: revoking access the user does not have is not an error. */
  @Override
  public void revokeAccess(String name, String host, List<String> databaseNames) {
    Account account = Account.of(name, host, reserved);
    List<String> databases = new ArrayList<>(new LinkedHashSet<>(databaseNames));
    databases.forEach(db -> IdentifierRules.databaseName("databases", db));
    session.execute(
        "revoke access from " + account,
        false,
        c -> {
          Catalog.requireAccount(c, account);
          for (String db : databases) {
            // Revoke the exact pattern we grant and, if present, a wildcard-style grant of the same
            // name.
            List<String> patterns =
                Sql.query(
                    c,
                    "SELECT Db FROM mysql.db WHERE User = ? AND Host = ? AND Db IN (?, ?)",
                    rs -> rs.getString(1),
                    account.name(),
                    account.host(),
                    SqlIdentifiers.grantPattern(db),
                    db);
            for (String pattern : patterns) {
              try {
                Sql.update(
                    c,
                    "REVOKE ALL PRIVILEGES ON " + SqlIdentifiers.quote(pattern) + ".* FROM ?@?",
                    account.name(),
                    account.host());
              } catch (SQLException e) {
                if (e.getErrorCode() != SqlErrors.ER_NONEXISTING_GRANT) {
                  throw e;
                }
              }
            }
          }
          return null;
        });
  }

  @Override
  public void changePassword(String name, String host, Secret password) {
    Account account = Account.of(name, host, reserved);
    IdentifierRules.password("password", password);
    String hash = NativePasswordHash.of(password);
    session.execute(
        "change the password of " + account,
        true,
        c -> {
          try {
            Sql.update(
                c, "ALTER USER ?@? IDENTIFIED BY PASSWORD ?", account.name(), account.host(), hash);
          } catch (SQLException e) {
            if (e.getErrorCode() == SqlErrors.ER_CANNOT_USER) {
              throw Catalog.notFound(account);
            }
            throw e;
          }
          return null;
        });
  }

  // Granting a system schema (e.g. mysql.*) would make the user a superuser: refused.
  private static List<String> grantTargets(List<String> databases) {
    List<String> unique = new ArrayList<>(new LinkedHashSet<>(databases));
    unique.forEach(db -> ReservedNames.userDatabase("databases", db));
    return unique;
  }

  private static void grant(Connection c, Account account, List<String> databases)
      throws SQLException {
    for (String db : databases) {
      Sql.update(
          c,
          "GRANT ALL PRIVILEGES ON "
              + SqlIdentifiers.quote(SqlIdentifiers.grantPattern(db))
              + ".* TO ?@?",
          account.name(),
          account.host());
    }
  }

  private static void dropQuietly(Connection c, Account account) {
    try {
      Sql.update(c, "DROP USER ?@?", account.name(), account.host());
    } catch (SQLException e) {
      log.warn(
          "Could not drop {} after a failed grant; drop it by hand: MariaDB error {}",
          account,
          e.getErrorCode());
    }
  }
}
