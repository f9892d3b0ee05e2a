package io.coffer.plugin.mysql;

import io.coffer.plugin.kit.OsAccount;
import io.coffer.plugin.kit.Readiness;
import io.coffer.plugin.kit.sql.AdminSession;
import io.coffer.plugin.mysql.backup.BinlogArchiving;
import io.coffer.plugin.mysql.backup.MariaBackupStrategy;
import io.coffer.plugin.mysql.cluster.GaleraCluster;
import io.coffer.plugin.mysql.cluster.GaleraOptionFile;
import io.coffer.plugin.mysql.config.MariaDbConfiguration;
import io.coffer.plugin.mysql.config.ParameterFile;
import io.coffer.plugin.mysql.naming.ReservedAccounts;
import io.coffer.plugin.mysql.replication.MariaDbReplication;
import io.coffer.plugin.mysql.replication.RoleFile;
import io.coffer.plugin.mysql.server.DataDirInitializer;
import io.coffer.plugin.mysql.server.ServerCommand;
import io.coffer.plugin.mysql.server.ServerSettings;
import io.coffer.plugin.mysql.sql.DatabaseAdmin;
import io.coffer.plugin.mysql.sql.RootAccess;
import io.coffer.plugin.mysql.sql.ServerStatus;
import io.coffer.plugin.mysql.sql.SocketConnector;
import io.coffer.plugin.mysql.sql.SqlErrors;
import io.coffer.plugin.mysql.sql.UserAdmin;
import io.coffer.spi.Capability;
import io.coffer.spi.DatastoreContext;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.DatastoreManager;
import io.coffer.spi.Probe;
import io.coffer.spi.ProcessSpec;
import io.coffer.spi.backup.BackupStrategy;
import io.coffer.spi.backup.LogArchiving;
import io.coffer.spi.cluster.ClusterStrategy;
import io.coffer.spi.config.ConfigurationManager;
import io.coffer.spi.database.Databases;
import io.coffer.spi.replication.ReplicationStrategy;
import io.coffer.spi.user.Superuser;
import io.coffer.spi.user.Users;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.pf4j.Extension;

/**
 * The MySQL/MariaDB datastore: initialises the data directory with mariadb-install-db, describes
 * the mariadbd process for the runtime to supervise, and administers databases, users and root over
 * the server's UNIX socket as {@code root@localhost}, which MariaDB authenticates by the socket
 * peer's OS account (<a
 * href="https://mariadb.com/kb/en/authentication-plugin-unix-socket/">unix_socket</a>): no
 * administrative password exists anywhere. Settings are documented in {@link ServerSettings}.
 * Backups and restores: {@link MariaBackupStrategy}; replication: {@link MariaDbReplication};
 * Galera clusters: {@link GaleraCluster}.
 */
@Extension
public final class MysqlDatastoreManager implements DatastoreManager {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** Everything built by {@link #init}; published at once so readers never see half of it. */
  private record Instance(
      ServerSettings settings,
      String adminUser,
      DataDirInitializer initializer,
      AdminSession admin,
      AdminSession replicationSession,
      ServerStatus status,
      DatabaseAdmin databases,
      UserAdmin users,
      RootAccess root,
      RoleFile roleFile,
      MariaDbReplication replication,
      ParameterFile parameters,
      MariaDbConfiguration configuration,
      GaleraCluster galera) {}

  private volatile Instance instance;

  @Override
  public String engine() {
    return "mysql";
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
    OsAccount agent = OsAccount.current();
    ServerSettings settings = ServerSettings.from(context, agent);
    String adminUser = agent.root() ? "root" : agent.name();
    SocketConnector connector = new SocketConnector(settings.socket(), CONNECT_TIMEOUT, adminUser);
    AdminSession admin = new AdminSession(connector, true, SqlErrors.FAILURES);
    ServerStatus status = new ServerStatus(connector);
    RoleFile roleFile = new RoleFile(ServerCommand.initFile(settings));
    GaleraOptionFile galeraOptions =
        new GaleraOptionFile(
            settings.dataDir(),
            settings.switchUser() ? Optional.of(settings.osUser()) : Optional.empty());
    ParameterFile parameters =
        new ParameterFile(
            settings.dataDir().resolve(ServerCommand.PARAMETER_FILE),
            ServerCommand.serverOptionsFile(settings),
            galeraOptions.path());
    DatabaseAdmin databases = new DatabaseAdmin(admin);
    // replication has a connection of its own: a fence must never queue behind other admin work
    // (a FLUSH BINARY LOGS of the log archiver waits for commits held by semi-sync, up to its
    // timeout)
    AdminSession replicationSession = new AdminSession(connector, true, SqlErrors.FAILURES);
    instance =
        new Instance(
            settings,
            adminUser,
            new DataDirInitializer(settings),
            admin,
            replicationSession,
            status,
            databases,
            new UserAdmin(admin, ReservedAccounts.of(adminUser, settings.osUser())),
            new RootAccess(admin),
            roleFile,
            new MariaDbReplication(replicationSession, status, roleFile),
            parameters,
            new MariaDbConfiguration(admin, parameters),
            new GaleraCluster(settings, admin, status, databases, galeraOptions));
  }

  @Override
  public void prepare() {
    Instance i = instance();
    i.initializer().prepare();
    // mariadbd does not start without its --init-file; a restored data directory has none yet
    i.roleFile().ensureExists();
    i.parameters().ensureExists();
    ServerCommand.writeServerOptions(i.settings());
    i.galera().beforeStart();
  }

  @Override
  public ProcessSpec serverProcess() {
    return ServerCommand.spec(instance().settings());
  }

  @Override
  public void awaitReady(Duration timeout) {
    Instance i = instance();
    // No first-start setup: root@localhost (unix_socket) is all the agent needs.
    while (true) {
      try {
        Readiness.await(timeout, "MariaDB on " + i.settings().socket(), i.status()::ping);
        break;
      } catch (DatastoreException e) {
        if (!i.galera().transferringState()) {
          throw e;
        }
        // a Galera joiner opens its socket only after the state transfer, however long that takes
      }
    }
    i.galera().afterStart();
    i.replication().afterStart();
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
      i.status().close();
      i.admin().close();
      i.replicationSession().close();
    }
  }

  @Override
  public Databases databases() {
    return instance().databases();
  }

  @Override
  public Users users() {
    return instance().users();
  }

  @Override
  public Superuser root() {
    return instance().root();
  }

  @Override
  public Optional<LogArchiving> logArchiving() {
    Instance i = instance();
    return Optional.of(
        new BinlogArchiving(i.settings(), i.admin(), i.settings().binlogArchiveInterval()));
  }

  @Override
  public BackupStrategy backup() {
    Instance i = instance();
    return new MariaBackupStrategy(i.settings(), i.adminUser(), i.admin(), i.status()::version);
  }

  @Override
  public ReplicationStrategy replication() {
    return instance().replication();
  }

  @Override
  public ClusterStrategy cluster() {
    return instance().galera();
  }

  @Override
  public ConfigurationManager configuration() {
    return instance().configuration();
  }

  private Instance instance() {
    Instance i = instance;
    if (i == null) {
      throw DatastoreException.failedPrecondition("the mysql plugin has not been initialised");
    }
    return i;
  }
}
