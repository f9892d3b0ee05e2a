package io.coffer.plugin.redis.backup;

import io.coffer.plugin.redis.client.AdminClient;
import io.coffer.plugin.redis.client.Info;
import io.coffer.plugin.redis.server.ConfigFile;
import io.coffer.plugin.redis.server.RedisSettings;
import io.coffer.plugin.redis.users.AclUsers;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.backup.BackupManifest;
import io.coffer.spi.backup.BackupRequest;
import io.coffer.spi.backup.BackupSource;
import io.coffer.spi.backup.BackupStrategy;
import io.coffer.spi.backup.BackupType;
import io.coffer.spi.backup.RestoreRequest;
import io.coffer.spi.backup.RestoreSession;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * RDB snapshots (<a
 * href="https://redis.io/docs/latest/operate/oss_and_stack/management/persistence/">Redis
 * persistence</a>): a backup asks for {@code BGSAVE} (the forked child writes a point-in-time
 * snapshot without blocking clients), waits until the {@code rdb_saves} counter of {@code INFO
 * persistence} moves past it, and streams the finished {@code dump.rdb}. The file is opened at
 * once, so a later save that replaces it (Redis renames a new file over it) cannot change the bytes
 * being read. A restore installs the snapshot offline: see {@link RdbRestore}.
 */
public final class RdbBackupStrategy implements BackupStrategy {
  private static final Duration SAVE_TIMEOUT = Duration.ofHours(2);

  private final RedisSettings settings;
  private final AdminClient admin;
  private final ConfigFile config;
  private final AclUsers users;

  public RdbBackupStrategy(
      RedisSettings settings, AdminClient admin, ConfigFile config, AclUsers users) {
    this.settings = settings;
    this.admin = admin;
    this.config = config;
    this.users = users;
  }

  @Override
  public Set<BackupType> types() {
    return Set.of(BackupType.FULL);
  }

  @Override
  public BackupSource open(BackupRequest request) {
    if (request.type() != BackupType.FULL) {
      throw DatastoreException.invalidArgument("type", "Redis backups are full RDB snapshots only");
    }
    Info before = persistence();
    long saves = before.number("rdb_saves", 0);
    startSave(before);
    Info after = awaitSave(saves);
    try {
      InputStream stream = Files.newInputStream(settings.rdbFile());
      Info replication =
          Info.parse(admin.call("read INFO replication", c -> c.info("replication")));
      String version =
          Info.parse(admin.call("read INFO server", c -> c.info("server"))).get("redis_version");
      Map<String, String> positions =
          Map.of(
              "master_replid",
              replication.get("master_replid"),
              "master_repl_offset",
              replication.get("master_repl_offset"),
              "rdb_last_save_time",
              after.get("rdb_last_save_time"));
      return new RdbSource(stream, version, positions);
    } catch (IOException e) {
      throw DatastoreException.internal(
          "cannot read the snapshot " + settings.rdbFile() + ": " + e.getMessage(), e);
    }
  }

  private void startSave(Info before) {
    long deadline = System.nanoTime() + SAVE_TIMEOUT.toNanos();
    while (true) {
      try {
        CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8).add("SCHEDULE");
        admin.call(
            "start BGSAVE",
            c -> c.dispatch(CommandType.BGSAVE, new StatusOutput<>(StringCodec.UTF8), args));
        return;
      } catch (DatastoreException e) {
        // another snapshot (a save point, a replica's full sync) is being written: ours comes after
        // it
        if (!e.getMessage().contains("already in progress") || System.nanoTime() > deadline) {
          throw e;
        }
        sleep();
      }
    }
  }

  private Info awaitSave(long savesBefore) {
    long deadline = System.nanoTime() + SAVE_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      Info info = persistence();
      if (info.number("rdb_saves", 0) > savesBefore
          && info.number("rdb_bgsave_in_progress", 1) == 0) {
        if (!"ok".equals(info.get("rdb_last_bgsave_status"))) {
          throw DatastoreException.internal(
              "BGSAVE failed (see the Redis log in " + settings.outputLog() + ")", null);
        }
        return info;
      }
      sleep();
    }
    throw DatastoreException.unavailable(
        "BGSAVE did not finish within " + SAVE_TIMEOUT.toHours() + " h", null);
  }

  private Info persistence() {
    return Info.parse(admin.call("read INFO persistence", c -> c.info("persistence")));
  }

  private static void sleep() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DatastoreException(
          DatastoreException.Code.CANCELLED, "interrupted while waiting for BGSAVE");
    }
  }

  @Override
  public RestoreSession restore(RestoreRequest request) {
    if (request.chain().size() != 1 || request.target().type() != BackupType.FULL) {
      throw DatastoreException.invalidArgument(
          "backup_id", "a Redis restore takes one full RDB snapshot");
    }
    BackupManifest target = request.target();
    if (!"redis".equals(target.engine())) {
      throw DatastoreException.invalidArgument(
          "backup_id",
          "backup " + target.backupId() + " is a " + target.engine() + " backup, not a Redis one");
    }
    Info keyspace = Info.parse(admin.call("read INFO keyspace", c -> c.info("keyspace")));
    boolean hasKeys = keyspace.asMap().keySet().stream().anyMatch(k -> k.matches("db[0-9]+"));
    // a replica being re-seeded is replaced: its keys are its source's, its ACL users (per server)
    // stay
    if (!request.reseed() && (hasKeys || !users.list().isEmpty())) {
      throw DatastoreException.failedPrecondition(
          "the instance is not empty (it has keys or users); restore into a" + " fresh instance");
    }
    return new RdbRestore(settings, config, admin, request.scratchDir());
  }
}
