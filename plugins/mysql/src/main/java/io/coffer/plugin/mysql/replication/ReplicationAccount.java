package io.coffer.plugin.mysql.replication;

import io.coffer.plugin.mysql.naming.IdentifierRules;
import io.coffer.plugin.mysql.naming.ReservedNames;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.Secret;

/**
 * Rules for the replication account's name and password, checked before any SQL runs. The name must
 * be one of the agent's reserved names ({@link ReservedNames#internalUser}). The password must also
 * fit {@code CHANGE MASTER TO MASTER_PASSWORD}, which takes at most 96 characters (longer ones fail
 * with error 1470) and which the replica stores as one line of {@code master.info} (<a
 * href="https://mariadb.com/kb/en/change-master-to/#master_password">MASTER_PASSWORD</a>), so
 * control characters are refused.
 */
final class ReplicationAccount {

  static final int MAX_PASSWORD = 96;

  private ReplicationAccount() {}

  static String user(String field, String name) {
    return ReservedNames.internalUser(field, name);
  }

  /** The message never includes the value. */
  static Secret password(String field, Secret password) {
    IdentifierRules.password(field, password);
    String value = password.reveal();
    if (value.length() > MAX_PASSWORD) {
      throw DatastoreException.invalidArgument(
          field,
          "must be at most "
              + MAX_PASSWORD
              + " characters for a replication account (MASTER_PASSWORD)");
    }
    if (value.chars().anyMatch(Character::isISOControl)) {
      throw DatastoreException.invalidArgument(
          field, "must not contain control characters (line breaks, tabs, ...)");
    }
    return password;
  }
}
