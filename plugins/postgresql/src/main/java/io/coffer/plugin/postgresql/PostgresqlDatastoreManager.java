package io.coffer.plugin.postgresql;

import io.coffer.plugin.kit.OsAccount;
import io.coffer.plugin.kit.Readiness;
import io.coffer.plugin.kit.sql.AdminSession;
import io.coffer.plugin.postgresql.backup.PostgresqlBackupStrategy;
import io.coffer.plugin.postgresql.backup.WalArchiving;
import io.coffer.plugin.postgresql.config.PostgresqlConfiguration;
import io.coffer.plugin.postgresql.replication.PostgresqlReplication;
import io.coffer.plugin.postgresql.server.DataDirInitializer;
import io.coffer.plugin.postgresql.server.ServerCommand;
import io.coffer.plugin.postgresql.server.ServerSettings;
import io.coffer.plugin.postgresql.sql.DatabaseAdmin;
import io.coffer.plugin.postgresql.sql.InstanceContents;
import io.coffer.plugin.postgresql.sql.RootAccess;
import io.coffer.plugin.postgresql.sql.ServerStatus;
import io.coffer.plugin.postgresql.sql.SocketConnector;
import io.coffer.plugin.postgresql.sql.SqlErrors;
import io.coffer.plugin.postgresql.sql.UserAdmin;
import io.coffer.spi.Capability;
import io.coffer.spi.DatastoreContext;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.DatastoreManager;
import io.coffer.spi.Probe;
import io.coffer.spi.ProcessSpec;
import io.coffer.spi.backup.BackupStrategy;
import io.coffer.spi.backup.LogArchiving;
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
 * The PostgreSQL datastore: initialises the data directory with initdb, describes the postgres
 * process for the runtime to supervise (run as the {@code postgres} OS account, since PostgreSQL
 * refuses root), and administers databases, roles and root over the server's UNIX socket as the
 * admin role {@code coffer_admin}, which peer authentication grants to the agent's OS account
 * alone: no administrative password exists anywhere. Settings are documented in {@link
 * ServerSettings}, authentication in {@code server.AccessFiles}. Backups and restores: {@link
 * PostgresqlBackupStrategy}; streaming replication: {@link PostgresqlReplication}.
 */
@Extension
public final class PostgresqlDatastoreManager implements DatastoreManager {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /**
   * The admin session idles out after this long, so that it never holds up a smart shutdown for
   * long.
   */
  private static final Duration ADMIN_IDLE_TIMEOUT = Duration.ofSeconds(5);

  /** Everything built by {@link #init}; published at once so readers never see half of it. */
  private record Instance(
      ServerSettings settings,
      SocketConnector connector,
      DataDirInitializer initializer,
      AdminSession admin,
      ServerStatus status,
      DatabaseAdmin databases,
      UserAdmin users,
      RootAccess root,
      PostgresqlReplication replication,
      PostgresqlConfiguration configuration) {}

  private volatile Instance instance;

  @Override
  public String engine() {
    return "postgresql";
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of(
        Capability.DATABASES,
        Capability.USERS,
        Capability.ROOT,
        Capability.BACKUP,
        Capability.REPLICATION,
        Capability.CONFIGURATION);
  }

  @Override
  public void init(DatastoreContext context) {
    ServerSettings settings = ServerSettings.from(context, OsAccount.current());
    SocketConnector connector =
        new SocketConnector(
            settings.socket(), settings.port(), CONNECT_TIMEOUT, ADMIN_IDLE_TIMEOUT);
    AdminSession admin = new AdminSession(connector, true, SqlErrors.FAILURES);
    ServerStatus status = new ServerStatus(connector);
    instance =
        new Instance(
            settings,
            connector,
            new DataDirInitializer(settings),
            admin,
            status,
            new DatabaseAdmin(admin),
            new UserAdmin(admin),
            new RootAccess(admin),
            new PostgresqlReplication(settings, admin, status, context.instanceId()),
            new PostgresqlConfiguration(admin));
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
    // No first-start setup: the admin role is initdb's bootstrap superuser.
    Readiness.await(timeout, "PostgreSQL on " + i.settings().socket(), i.status()::ping);
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
  public BackupStrategy backup() {
    Instance i = instance();
    return new PostgresqlBackupStrategy(
        i.settings(),
        i.connector(),
        new InstanceContents(i.admin()),
        i.status()::version,
        i.admin()::close);
  }

  @Override
  public Optional<LogArchiving> logArchiving() {
    Instance i = instance();
    return Optional.of(new WalArchiving(i.settings(), i.admin()));
  }

  @Override
  public ReplicationStrategy replication() {
    return instance().replication();
  }

  @Override
  public ConfigurationManager configuration() {
    return instance().configuration();
  }

  private Instance instance() {
    Instance i = instance;
    if (i == null) {
      throw DatastoreException.failedPrecondition("the postgresql plugin has not been initialised");
    }
    return i;
  }
}
