package io.coffer.plugin.cassandra;

import io.coffer.plugin.cassandra.backup.SnapshotBackup;
import io.coffer.plugin.cassandra.config.CassandraConfiguration;
import io.coffer.plugin.cassandra.config.Overrides;
import io.coffer.plugin.cassandra.cql.AdminRole;
import io.coffer.plugin.cassandra.cql.CqlAdmin;
import io.coffer.plugin.cassandra.cql.CqlNames;
import io.coffer.plugin.cassandra.cql.ServerStatus;
import io.coffer.plugin.cassandra.jmx.NodeJmx;
import io.coffer.plugin.cassandra.keyspaces.Keyspaces;
import io.coffer.plugin.cassandra.roles.Roles;
import io.coffer.plugin.cassandra.server.CassandraSettings;
import io.coffer.plugin.cassandra.server.ServerCommand;
import io.coffer.plugin.cassandra.server.ServerFiles;
import io.coffer.plugin.kit.OsAccount;
import io.coffer.plugin.kit.Readiness;
import io.coffer.plugin.kit.SecretFile;
import io.coffer.spi.Capability;
import io.coffer.spi.DatastoreContext;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.DatastoreManager;
import io.coffer.spi.Probe;
import io.coffer.spi.ProcessSpec;
import io.coffer.spi.Secret;
import io.coffer.spi.backup.BackupStrategy;
import io.coffer.spi.config.ConfigurationManager;
import io.coffer.spi.database.Databases;
import io.coffer.spi.user.Superuser;
import io.coffer.spi.user.Users;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;
import org.pf4j.Extension;

/**
 * The Apache Cassandra datastore: renders {@code cassandra.yaml} and the JVM options, describes the
 * Cassandra JVM (run as the {@code cassandra} OS account when the agent is root), and administers
 * keyspaces, roles, configuration and snapshot backups over CQL (Apache Cassandra's Java driver) as
 * the agent's own superuser role, {@value CqlNames#ADMIN_ROLE}, which replaces the default {@code
 * cassandra} superuser at the first start. JMX, on loopback, serves what CQL cannot (the
 * authentication caches, the server's pid).
 */
@Extension
public final class CassandraDatastoreManager implements DatastoreManager {

  /** Everything built by {@link #init}; published at once so readers never see half of it. */
  private record Instance(
      CassandraSettings settings,
      ServerFiles files,
      CassandraConfiguration configuration,
      AdminRole adminRole,
      CqlAdmin admin,
      ServerStatus status,
      NodeJmx jmx,
      Keyspaces keyspaces,
      Roles roles) {}

  private volatile Instance instance;

  @Override
  public String engine() {
    return "cassandra";
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of(
        Capability.DATABASES,
        Capability.USERS,
        Capability.ROOT,
        Capability.BACKUP,
        Capability.CONFIGURATION);
  }

  @Override
  public void init(DatastoreContext context) {
    CassandraSettings settings = CassandraSettings.from(context, OsAccount.current());
    InetSocketAddress address = new InetSocketAddress(settings.clientHost(), settings.port());
    Supplier<Secret> secret =
        () -> {
          try {
            return SecretFile.read(settings.adminSecret());
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        };
    CqlAdmin admin = new CqlAdmin(address, settings.datacenter(), CqlNames.ADMIN_ROLE, secret);
    CqlAdmin probe = new CqlAdmin(address, settings.datacenter(), CqlNames.ADMIN_ROLE, secret);
    NodeJmx jmx = new NodeJmx(settings.jmxPort());
    Keyspaces keyspaces = new Keyspaces(admin, settings.datacenter());
    Overrides overrides = new Overrides(settings.parametersFile());
    instance =
        new Instance(
            settings,
            new ServerFiles(settings, overrides),
            new CassandraConfiguration(admin, jmx, overrides),
            new AdminRole(address, settings.datacenter()),
            admin,
            new ServerStatus(probe),
            jmx,
            keyspaces,
            new Roles(admin, keyspaces, jmx));
  }

  @Override
  public void prepare() {
    instance().files().prepare();
  }

  @Override
  public ProcessSpec serverProcess() {
    return ServerCommand.spec(instance().settings());
  }

  /**
   * Waits for the native protocol and the agent's role (created at the first start), then writes
   * the server's pid file from its JVM: Cassandra run in the foreground writes none, and a
   * restarted agent adopts the running server through it.
   */
  @Override
  public void awaitReady(Duration timeout) {
    Instance i = instance();
    CassandraSettings s = i.settings();
    Secret password;
    try {
      password = SecretFile.ensure(s.adminSecret());
    } catch (IOException e) {
      throw DatastoreException.internal("cannot keep the admin secret: " + e.getMessage(), e);
    }
    Readiness.await(
        timeout,
        "Cassandra on " + s.clientHost() + ":" + s.port(),
        limit -> {
          // a plain connect first: the driver logs a warning for every refused attempt
          requireListening(s.clientHost(), s.port(), limit);
          if (i.adminRole().ensure(password, limit)) {
            i.jmx().invalidateAuthCaches();
          }
        });
    i.admin().reset(); // sessions opened before a restart point at a server that is gone
    i.status().probe();
    writePidFile(s.pidFile(), i.jmx().pid());
  }

  private static void requireListening(String host, int port, Duration limit) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), (int) Math.max(1, limit.toMillis()));
    }
  }

  private static void writePidFile(Path file, long pid) {
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, pid + "\n", StandardCharsets.US_ASCII);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw DatastoreException.internal("cannot write " + file + ": " + e.getMessage(), e);
    }
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
    return instance().keyspaces();
  }

  @Override
  public Users users() {
    return instance().roles();
  }

  @Override
  public Superuser root() {
    return instance().roles()::enableRoot;
  }

  @Override
  public ConfigurationManager configuration() {
    return instance().configuration();
  }

  @Override
  public BackupStrategy backup() {
    Instance i = instance();
    return new SnapshotBackup(
        i.settings(), i.admin(), i.jmx(), i.keyspaces(), i.roles(), i.status()::version);
  }

  private Instance instance() {
    Instance i = instance;
    if (i == null) {
      throw new IllegalStateException("init was not called");
    }
    return i;
  }
}
