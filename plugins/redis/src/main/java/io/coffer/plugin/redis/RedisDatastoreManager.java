package io.coffer.plugin.redis;

import io.coffer.plugin.kit.OsAccount;
import io.coffer.plugin.kit.Readiness;
import io.coffer.plugin.redis.backup.RdbBackupStrategy;
import io.coffer.plugin.redis.client.AdminClient;
import io.coffer.plugin.redis.client.ServerStatus;
import io.coffer.plugin.redis.cluster.RedisCluster;
import io.coffer.plugin.redis.config.RedisConfiguration;
import io.coffer.plugin.redis.databases.NumberedDatabases;
import io.coffer.plugin.redis.replication.RedisReplication;
import io.coffer.plugin.redis.server.AdminSecret;
import io.coffer.plugin.redis.server.ConfigFile;
import io.coffer.plugin.redis.server.DataDirInitializer;
import io.coffer.plugin.redis.server.RedisSettings;
import io.coffer.plugin.redis.server.ServerCommand;
import io.coffer.plugin.redis.users.AclUsers;
import io.coffer.spi.Capability;
import io.coffer.spi.DatastoreContext;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.DatastoreManager;
import io.coffer.spi.Probe;
import io.coffer.spi.ProcessSpec;
import io.coffer.spi.Secret;
import io.coffer.spi.backup.BackupStrategy;
import io.coffer.spi.cluster.ClusterStrategy;
import io.coffer.spi.config.ConfigurationManager;
import io.coffer.spi.database.Databases;
import io.coffer.spi.replication.ReplicationStrategy;
import io.coffer.spi.user.Superuser;
import io.coffer.spi.user.Users;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;
import org.pf4j.Extension;

/**
 * The Redis datastore: renders the first {@code redis.conf} and the admin line of the ACL file,
 * describes the redis-server process (run as the {@code redis} OS account when the agent is root),
 * and administers ACL users, configuration, RDB backups and replication over TCP as the admin user
 * {@value AdminSecret#ADMIN_USER} through Lettuce. The {@code default} user is off: every client
 * authenticates. Databases are Redis' numbered databases: listed, never created or deleted.
 */
@Extension
public final class RedisDatastoreManager implements DatastoreManager {
  private static final Duration PROBE_TIMEOUT = Duration.ofMillis(900);

  /** Everything built by {@link #init}; published at once so readers never see half of it. */
  private record Instance(
      RedisSettings settings,
      DataDirInitializer initializer,
      AdminClient admin,
      AdminClient probeClient,
      ServerStatus status,
      AclUsers users,
      ConfigFile config,
      RedisConfiguration configuration,
      RedisReplication replication,
      RedisCluster cluster) {}

  private volatile Instance instance;

  @Override
  public String engine() {
    return "redis";
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of(
        Capability.DATABASES,
        Capability.USERS,
        Capability.ROOT,
        Capability.BACKUP,
        Capability.REPLICATION,
        Capability.CONFIGURATION,
        Capability.CLUSTER);
  }

  @Override
  public void init(DatastoreContext context) {
    RedisSettings settings = RedisSettings.from(context, OsAccount.current());
    Supplier<Secret> secret =
        () -> {
          try {
            return AdminSecret.read(settings.adminSecret());
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        };
    AdminClient admin = new AdminClient(settings.adminHost(), settings.port(), secret);
    AdminClient probe =
        new AdminClient(settings.adminHost(), settings.port(), secret, PROBE_TIMEOUT);
    AclUsers users = new AclUsers(admin);
    ConfigFile config = new ConfigFile(settings.configFile(), settings.serverUser());
    instance =
        new Instance(
            settings,
            new DataDirInitializer(settings),
            admin,
            probe,
            new ServerStatus(probe),
            users,
            config,
            new RedisConfiguration(admin, config),
            new RedisReplication(admin, probe, users),
            new RedisCluster(settings, admin, probe, users));
  }

  @Override
  public void prepare() {
    instance().initializer().prepare();
  }

  @Override
  public ProcessSpec serverProcess() {
    return ServerCommand.spec(instance().settings());
  }

  @Override
  public void awaitReady(Duration timeout) {
    Instance i = instance();
    Readiness.await(
        timeout,
        "Redis on " + i.settings().adminHost() + ":" + i.settings().port(),
        limit -> {
          Probe p = i.status().probe();
          if (p.health() != Probe.Health.HEALTHY) {
            throw new IllegalStateException(p.detail());
          }
        });
  }

  @Override
  public Probe probe() {
    Instance i = instance;
    return i == null ? Probe.unhealthy("plugin not initialised") : i.status().probe();
  }

  @Override
  public String serverVersion() {
    Instance i = instance;
    return i == null ? "" : i.status().version();
  }

  @Override
  public void close() {
    Instance i = instance;
    if (i != null) {
      i.admin().close();
      i.probeClient().close();
    }
  }

  @Override
  public Databases databases() {
    return new NumberedDatabases(instance().admin(), instance().settings().cluster());
  }

  @Override
  public Users users() {
    return instance().users();
  }

  @Override
  public Superuser root() {
    return instance().users()::enableRoot;
  }

  @Override
  public BackupStrategy backup() {
    Instance i = instance();
    return new RdbBackupStrategy(i.settings(), i.admin(), i.config(), i.users());
  }

  @Override
  public ReplicationStrategy replication() {
    return instance().replication();
  }

  @Override
  public ClusterStrategy cluster() {
    return instance().cluster();
  }

  @Override
  public ConfigurationManager configuration() {
    return instance().configuration();
  }

  private Instance instance() {
    Instance i = instance;
    if (i == null) {
      throw DatastoreException.failedPrecondition("the redis plugin has not been initialised");
    }
    return i;
  }
}
