package io.coffer.plugin.redis.replication;

import io.coffer.plugin.redis.client.AdminClient;
import io.coffer.plugin.redis.client.Info;
import io.coffer.plugin.redis.users.AclUsers;
import io.coffer.plugin.redis.users.UserNames;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.Probe;
import io.coffer.spi.Secret;
import io.coffer.spi.backup.ServerControl;
import io.coffer.spi.replication.ReplicationSource;
import io.coffer.spi.replication.ReplicationStatus;
import io.coffer.spi.replication.ReplicationStrategy;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Redis replication (<a
 * href="https://redis.io/docs/latest/operate/oss_and_stack/management/replication/">Redis
 * replication</a>), asynchronous only. A replica authenticates to its source as the replication
 * account ({@code masteruser}/{@code masterauth}), which may run only {@code PSYNC}, {@code
 * REPLCONF} and {@code PING}; {@code REPLICAOF} starts a full or partial resynchronisation, so a
 * replica needs no backup. Every change is kept in {@code redis.conf} by {@code CONFIG REWRITE}, so
 * it outlives restarts.
 *
 * <p>Positions are replication offsets in bytes, which compare across the replicas of one source
 * (they share its replication id; a promoted replica keeps it as {@code master_replid2}, so the
 * others continue with a partial resync).
 *
 * <p>Fence: {@code min-replicas-to-write} set beyond any replica count makes the primary refuse
 * every write with NOREPLICAS, kept in {@code redis.conf} until {@link #promote} or {@link #attach}
 * sets it back to 0. The offset it returns only grows afterwards by the PINGs the source sends its
 * replicas, so waiting for it on a replica waits for every write.
 */
public final class RedisReplication implements ReplicationStrategy {
  static final String FENCE = "2147483647";
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:_-]{1,253}");

  private final AdminClient admin;
  private final AdminClient probe;
  private final AclUsers users;

  /**
   * @param probe a client whose commands time out within a second, for {@link #status()}
   */
  public RedisReplication(AdminClient admin, AdminClient probe, AclUsers users) {
    this.admin = admin;
    this.probe = probe;
    this.users = users;
  }

  @Override
  public void prepareSource(String user, Secret password) {
    if (!user.startsWith(UserNames.RESERVED_PREFIX)) {
      throw DatastoreException.invalidArgument(
          "user",
          "the replication account must be one of the agent's ("
              + UserNames.RESERVED_PREFIX
              + "...)");
    }
    users.replicationAccount(user, password);
  }

  @Override
  public void attach(ReplicationSource source, ServerControl server) {
    if (!HOST.matcher(source.host()).matches()) {
      throw DatastoreException.invalidArgument("source_host", "must be an IP address or host name");
    }
    if (!"0"
        .equals(
            Info.parse(admin.call("read INFO cluster", c -> c.info("cluster")))
                .get("cluster_enabled"))) {
      throw DatastoreException.failedPrecondition(
          "a Redis Cluster node gets its replicas with the cluster"
              + " (replicas_per_primary), not with REPLICAOF");
    }
    if (source.semiSync()) {
      throw DatastoreException.invalidArgument("semi_sync", "Redis replicates asynchronously only");
    }
    Info now = info();
    boolean following =
        "slave".equals(now.get("role"))
            && source.host().equals(now.get("master_host"))
            && Integer.toString(source.port()).equals(now.get("master_port"));
    admin.call(
        "set the source's credentials",
        true,
        c ->
            c.configSet(
                Map.of(
                    "masteruser",
                    source.user(),
                    "masterauth",
                    source.password().reveal(),
                    "min-replicas-to-write",
                    "0")));
    if (!following) {
      admin.call(
          "follow " + source.host() + ":" + source.port(),
          c -> c.replicaof(source.host(), source.port()));
    }
    admin.call("rewrite redis.conf", c -> c.configRewrite());
  }

  @Override
  public ReplicationStatus status() {
    Info i;
    try {
      i = Info.parse(probe.call("read INFO replication", c -> c.info("replication")));
    } catch (RuntimeException e) {
      return new ReplicationStatus(
          Probe.Role.UNKNOWN, "", 0, false, -1, "", false, e.getMessage(), false);
    }
    if ("slave".equals(i.get("role"))) {
      boolean up = "up".equals(i.get("master_link_status"));
      long lastIo = i.number("master_last_io_seconds_ago", -1);
      String error =
          up ? "" : "link to the source down for " + i.get("master_link_down_since_seconds") + " s";
      return new ReplicationStatus(
          Probe.Role.REPLICA,
          i.get("master_host"),
          (int) i.number("master_port", 0),
          up,
          up && lastIo >= 0 ? lastIo : -1,
          i.get("slave_repl_offset"),
          true,
          error,
          up);
    }
    boolean fenced;
    try {
      fenced =
          FENCE.equals(
              probe
                  .call("read min-replicas-to-write", c -> c.configGet("min-replicas-to-write"))
                  .getOrDefault("min-replicas-to-write", ""));
    } catch (RuntimeException e) {
      return new ReplicationStatus(
          Probe.Role.UNKNOWN, "", 0, false, -1, "", false, e.getMessage(), false);
    }
    Probe.Role role =
        i.number("connected_slaves", 0) > 0 ? Probe.Role.PRIMARY : Probe.Role.STANDALONE;
    return new ReplicationStatus(
        role, "", 0, true, 0, i.get("master_repl_offset"), fenced, "", false);
  }

  @Override
  public String fence(ServerControl server) {
    Info i = info();
    if ("slave".equals(i.get("role"))) {
      throw DatastoreException.failedPrecondition(
          "this instance is a replica; only a primary can be fenced");
    }
    admin.call("fence the primary", c -> c.configSet("min-replicas-to-write", FENCE));
    admin.call("rewrite redis.conf", c -> c.configRewrite());
    return info().get("master_repl_offset");
  }

  @Override
  public void awaitPosition(String position, Duration timeout) {
    long target;
    try {
      target = Long.parseLong(position);
    } catch (NumberFormatException e) {
      throw DatastoreException.invalidArgument(
          "position", "must be a replication offset (a number of bytes)");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Info i = info();
      if (!"slave".equals(i.get("role"))) {
        throw DatastoreException.failedPrecondition("this instance is not a replica");
      }
      if ("up".equals(i.get("master_link_status")) && i.number("slave_repl_offset", -1) >= target) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw DatastoreException.unavailable(
            "the replica is at offset "
                + i.get("slave_repl_offset")
                + ", not yet at "
                + target
                + ", after "
                + timeout.toSeconds()
                + " s",
            null);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw DatastoreException.unavailable("interrupted while waiting for offset " + target, e);
      }
    }
  }

  @Override
  public void promote() {
    if ("slave".equals(info().get("role"))) {
      admin.call("stop following the source", c -> c.replicaofNoOne());
    }
    admin.call("lift the fence", c -> c.configSet("min-replicas-to-write", "0"));
    admin.call("rewrite redis.conf", c -> c.configRewrite());
  }

  private Info info() {
    return Info.parse(admin.call("read INFO replication", c -> c.info("replication")));
  }
}
