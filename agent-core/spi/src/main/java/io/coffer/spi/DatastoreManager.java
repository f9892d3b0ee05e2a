package io.coffer.spi;

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
import org.pf4j.ExtensionPoint;

/**
 * The one extension every datastore plugin provides: lifecycle and probe, and one facet per
 * optional capability (databases, users, root, backup, replication, configuration, cluster).
 *
 * <p>Lifecycle as the runtime drives it: {@link #init} once, {@link #prepare} (idempotent), then
 * the runtime starts {@link #serverProcess()} and calls {@link #awaitReady}; it restarts the
 * process when it exits unexpectedly and calls {@link #awaitReady} again. Administrative methods
 * are only called while the server is ready.
 *
 * <p>Each optional capability is a facet object ({@link #databases()}, {@link #users()}, {@link
 * #root()}, {@link #backup()}, {@link #replication()}, {@link #configuration()}, {@link
 * #cluster()}), present exactly when {@link #capabilities()} declares it: the runtime checks this
 * when it loads the plugin, never calls a facet that is not declared, and the defaults answer
 * {@link DatastoreException.Code#UNIMPLEMENTED}.
 *
 * <p>Every method may block; none is called concurrently with {@link #prepare} or {@link
 * #awaitReady}. Mutating methods are never called twice for the same command: the runtime
 * deduplicates by command id. They must validate their input fully before changing anything
 * (answering {@link DatastoreException#invalidArgument}) so that bad input causes no partial
 * damage.
 */
public interface DatastoreManager extends ExtensionPoint {

  /**
   * Engine id, lower case, e.g. {@code "mysql"}; matches {@code datastore.engine} in the agent
   * config.
   */
  String engine();

  /** The optional capabilities this plugin implements. */
  Set<Capability> capabilities();

  /**
   * Receives the instance's configuration; called once, before anything else.
   *
   * @throws DatastoreException INVALID_ARGUMENT naming the setting when the configuration is
   *     unusable
   */
  void init(DatastoreContext context);

  /**
   * Initialises an empty data directory (system tables, base configuration). Does nothing when the
   * data directory is already initialised.
   */
  void prepare();

  /** How to run the server in the foreground; the runtime starts and supervises this process. */
  ProcessSpec serverProcess();

  /**
   * Blocks until the freshly started server accepts administrative connections, then completes any
   * first-start setup (e.g. internal accounts).
   *
   * @throws DatastoreException UNAVAILABLE when the server is not ready within {@code timeout}
   */
  void awaitReady(Duration timeout);

  /** Health, role and key metrics; must answer within a second and never throw. */
  Probe probe();

  /**
   * Server version as the engine reports it (e.g. {@code SELECT VERSION()}), or empty when unknown.
   */
  String serverVersion();

  /** Releases connections and other resources; the runtime stops the process afterwards. */
  default void close() {}

  // ---- facets: each present exactly when its capability is declared ----

  /** {@link Capability#DATABASES}; see {@link Databases}. Called after {@link #init}. */
  default Databases databases() {
    throw DatastoreException.unimplemented("databases");
  }

  /** {@link Capability#USERS}; see {@link Users}. Called after {@link #init}. */
  default Users users() {
    throw DatastoreException.unimplemented("users");
  }

  /** {@link Capability#ROOT}; see {@link Superuser}. Called after {@link #init}. */
  default Superuser root() {
    throw DatastoreException.unimplemented("root");
  }

  // ---- Capability.BACKUP ----

  /**
   * The engine side of backup and restore: the runtime owns storage, compression, encryption and
   * checksums, the strategy only produces and consumes the engine's byte stream. Called once per
   * backup or restore, after {@link #init}.
   */
  default BackupStrategy backup() {
    throw DatastoreException.unimplemented("backup");
  }

  /**
   * Continuous archiving of the engine's log, for point-in-time restores; empty when the engine has
   * none (the default). The runtime asks once, after {@link #init}, and archives for as long as the
   * agent runs. Requires {@link Capability#BACKUP}.
   */
  default Optional<LogArchiving> logArchiving() {
    return Optional.empty();
  }

  // ---- Capability.REPLICATION ----

  /** The engine side of replication; see {@link ReplicationStrategy}. */
  default ReplicationStrategy replication() {
    throw DatastoreException.unimplemented("replication");
  }

  // ---- Capability.CONFIGURATION ----

  /** The engine side of configuration; see {@link ConfigurationManager}. */
  default ConfigurationManager configuration() {
    throw DatastoreException.unimplemented("configuration");
  }

  // ---- Capability.CLUSTER ----

  /** The engine side of clusters; see {@link ClusterStrategy}. */
  default ClusterStrategy cluster() {
    throw DatastoreException.unimplemented("cluster");
  }

  // ---- Extensions ----

  /** Extension operation names this plugin serves (e.g. {@code "mysql.flush-logs"}). */
  default Set<String> extensions() {
    return Set.of();
  }

  /**
   * Runs a plugin-specific operation.
   *
   * @param json arguments as a JSON object
   * @return the outcome as a JSON object
   */
  default String extension(String name, String json) {
    throw DatastoreException.unimplemented("extension " + name);
  }
}
