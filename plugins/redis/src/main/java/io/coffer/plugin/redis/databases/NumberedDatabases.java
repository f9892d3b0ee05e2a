package io.coffer.plugin.redis.databases;

import io.coffer.plugin.redis.client.AdminClient;
import io.coffer.spi.Database;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.database.Databases;
import java.util.ArrayList;
import java.util.List;

/**
 * Redis' numbered databases, {@code db0} to {@code dbN-1} ({@code databases} in redis.conf,
 * https://redis.io/docs/latest/commands/select/); a cluster node has database 0 only. They cannot
 * be created or dropped: both answer UNIMPLEMENTED with what to do instead.
 */
public final class NumberedDatabases implements Databases {
  private final AdminClient admin;
  private final boolean cluster;

  public NumberedDatabases(AdminClient admin, boolean cluster) {
    this.admin = admin;
    this.cluster = cluster;
  }

  @Override
  public List<Database> list() {
    if (cluster) {
      return List.of(new Database("db0", "", ""));
    }
    String count =
        admin.call("read databases", c -> c.configGet("databases")).getOrDefault("databases", "16");
    List<Database> out = new ArrayList<>();
    for (int n = 0; n < Integer.parseInt(count); n++) {
      out.add(new Database("db" + n, "", ""));
    }
    return out;
  }

  @Override
  public void create(Database database) {
    throw new DatastoreException(
        DatastoreException.Code.UNIMPLEMENTED,
        "Redis has a fixed set of numbered databases"
            + " (db0 to db15 by default); change their number with the 'databases' parameter");
  }

  @Override
  public void delete(String name) {
    throw new DatastoreException(
        DatastoreException.Code.UNIMPLEMENTED,
        "Redis databases cannot be deleted;"
            + " a numbered database is empty until keys are written to it");
  }
}
