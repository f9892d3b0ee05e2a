package io.coffer.plugin.mysql.naming;

import io.coffer.spi.DatastoreException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The account names users may not manage on one instance: {@link ReservedNames}' (MariaDB's system
 * accounts and Coffer's internal ones) and the accounts this agent administers the server through.
 * Those depend on the guest: the agent logs in over the socket as its own OS account (<a
 * href="https://mariadb.com/kb/en/authentication-plugin-unix-socket/">unix_socket</a> matches the
 * account name to the OS user), and <a
 * href="https://mariadb.com/kb/en/mariadb-install-db/">mariadb-install-db</a> {@code --user=X}
 * creates {@code X@localhost} for the server's OS account. A packaged agent runs as {@code coffer}:
 * without this, {@code coffer@localhost} would be listed, droppable, exported in logical backups,
 * dropped by a restore's reset, and would make a fresh instance look non-empty.
 *
 * @param agentAccounts lower-case names of the agent's own accounts on this instance
 */
public record ReservedAccounts(Set<String> agentAccounts) {
  /** No agent accounts beyond {@link ReservedNames}' (tests, tools). */
  public static final ReservedAccounts NONE = new ReservedAccounts(Set.of());

  public ReservedAccounts {
    agentAccounts = Set.copyOf(agentAccounts);
  }

  /** The agent's accounts: e.g. its socket login and the server's OS account. */
  public static ReservedAccounts of(String... agentAccounts) {
    return new ReservedAccounts(
        Arrays.stream(agentAccounts)
            .map(n -> n.toLowerCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet()));
  }

  /** Whether users may neither see nor manage accounts named {@code name}. */
  public boolean isReserved(String name) {
    return ReservedNames.isReservedUser(name)
        || agentAccounts.contains(name.toLowerCase(Locale.ROOT));
  }

  /** Validates a user name that users may manage (field {@code field}). */
  public String userManaged(String field, String name) {
    ReservedNames.userManagedUser(field, name);
    if (agentAccounts.contains(name.toLowerCase(Locale.ROOT))) {
      throw DatastoreException.invalidArgument(
          field, "'" + name + "' is the agent's own account on this instance");
    }
    return name;
  }
}
