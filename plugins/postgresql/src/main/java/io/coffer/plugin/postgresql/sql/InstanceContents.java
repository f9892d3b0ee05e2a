package io.coffer.plugin.postgresql.sql;

import io.coffer.plugin.kit.sql.AdminSession;
import io.coffer.plugin.kit.sql.Sql;
import io.coffer.plugin.postgresql.naming.ReservedNames;
import java.util.List;

/**
 * What makes an instance non-empty for a restore: user databases and user roles (with or without
 * LOGIN). The system databases, the root role and the agent's own roles do not count.
 */
public final class InstanceContents {

  /** Names found, each list sorted. */
  public record Contents(List<String> databases, List<String> roles) {
    public boolean isEmpty() {
      return databases.isEmpty() && roles.isEmpty();
    }
  }

  private final AdminSession session;

  public InstanceContents(AdminSession session) {
    this.session = session;
  }

  public Contents read() {
    return session.execute(
        "list the instance's databases and roles",
        false,
        c ->
            new Contents(
                Sql.query(
                        c,
                        "SELECT datname FROM pg_database ORDER BY datname",
                        rs -> rs.getString(1))
                    .stream()
                    .filter(d -> !ReservedNames.isSystemDatabase(d))
                    .toList(),
                Sql.query(c, "SELECT rolname FROM pg_roles ORDER BY rolname", rs -> rs.getString(1))
                    .stream()
                    .filter(r -> !ReservedNames.isReservedRole(r))
                    .toList()));
  }
}
