package io.coffer.spi;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.pf4j.ExtensionPoint;

/**
 * The one extension every datastore plugin provides: lifecycle, probe, databases and users.
 *
 * <p>Lifecycle as the runtime drives it: {@link #init} once, {@link #prepare} (idempotent), then the
 * runtime starts {@link #serverProcess()} and calls {@link #awaitReady}; it restarts the process
 * when it exits unexpectedly and calls {@link #awaitReady} again. Administrative methods are only
 * called while the server is ready.
 *
 * <p>Optional groups of methods are guarded by {@link #capabilities()}: the runtime never calls a
 * method of a capability the plugin does not declare, and the default implementations answer
 * {@link DatastoreException.Code#UNIMPLEMENTED}.
 *
 * <p>Every method may block; none is called concurrently with {@link #prepare} or
 * {@link #awaitReady}. Mutating methods are never called twice for the same command: the runtime
 * deduplicates by command id. They must validate their input fully before changing anything
 * (answering {@link DatastoreException#invalidArgument}) so that bad input causes no partial damage.
 */
public interface DatastoreManager extends ExtensionPoint {

  /** Engine id, lower case, e.g. {@code "mysql"}; matches {@code datastore.engine} in the agent config. */
  String engine();

  /** The optional capabilities this plugin implements. */
  Set<Capability> capabilities();

  /**
   * Receives the instance's configuration; called once, before anything else.
   *
   * @throws DatastoreException INVALID_ARGUMENT naming the setting when the configuration is unusable
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

  /** Server version as the engine reports it (e.g. {@code SELECT VERSION()}), or empty when unknown. */
  String serverVersion();

  /** Releases connections and other resources; the runtime stops the process afterwards. */
  default void close() {}

  // ---- Capability.DATABASES ----

  /** Databases visible to users; system databases are left out. */
  default List<Database> listDatabases() {
    throw DatastoreException.unimplemented("databases");
  }

  /**
   * Creates a database.
   *
   * @throws DatastoreException INVALID_ARGUMENT (field {@code database.name}, ...), ALREADY_EXISTS
   */
  default void createDatabase(Database database) {
    throw DatastoreException.unimplemented("databases");
  }

  /** Drops a database. @throws DatastoreException INVALID_ARGUMENT, NOT_FOUND */
  default void deleteDatabase(String name) {
    throw DatastoreException.unimplemented("databases");
  }

  // ---- Capability.USERS ----

  /** User accounts with the databases each may access; internal and system accounts are left out. */
  default List<UserAccount> listUsers() {
    throw DatastoreException.unimplemented("users");
  }

  /**
   * Creates a user and grants it access to {@code user.databases()}, atomically: on any error
   * nothing is left behind.
   *
   * @throws DatastoreException INVALID_ARGUMENT, ALREADY_EXISTS, NOT_FOUND (a database)
   */
  default void createUser(UserAccount user, Secret password) {
    throw DatastoreException.unimplemented("users");
  }

  /** @throws DatastoreException INVALID_ARGUMENT, NOT_FOUND */
  default void deleteUser(String name, String host) {
    throw DatastoreException.unimplemented("users");
  }

  /** Grants full access to each database. @throws DatastoreException INVALID_ARGUMENT, NOT_FOUND */
  default void grantAccess(String name, String host, List<String> databases) {
    throw DatastoreException.unimplemented("users");
  }

  /** Revokes access to each database. @throws DatastoreException INVALID_ARGUMENT, NOT_FOUND */
  default void revokeAccess(String name, String host, List<String> databases) {
    throw DatastoreException.unimplemented("users");
  }

  /** @throws DatastoreException INVALID_ARGUMENT, NOT_FOUND */
  default void changePassword(String name, String host, Secret password) {
    throw DatastoreException.unimplemented("users");
  }

  // ---- Capability.ROOT ----

  /**
   * Enables the engine's superuser for remote login with {@code password}, or sets that password
   * when it is enabled already (Trove's "root enable"). The caller chooses the password, so no
   * result, journal or log ever holds it; send the server a hash or verifier of it, never the
   * password itself (it would land in the binary log or WAL).
   *
   * @return the superuser's name, e.g. {@code root} or {@code postgres}
   * @throws DatastoreException INVALID_ARGUMENT (password, naming the field {@code password})
   */
  default String enableRoot(Secret password) {
    throw DatastoreException.unimplemented("root");
  }

  // ---- Capability.BACKUP ----

  /**
   * The engine side of backup and restore: the runtime owns storage, compression, encryption and
   * checksums, the strategy only produces and consumes the engine's byte stream. Called once per
   * backup or restore, after {@link #init}.
   */
  default io.coffer.spi.backup.BackupStrategy backupStrategy() {
    throw DatastoreException.unimplemented("backup");
  }

  /**
   * Continuous archiving of the engine's log, for point-in-time restores; empty when the engine
   * has none (the default). The runtime asks once, after {@link #init}, and archives for as long
   * as the agent runs. Requires {@link Capability#BACKUP}.
   */
  default java.util.Optional<io.coffer.spi.backup.LogArchiving> logArchiving() {
    return java.util.Optional.empty();
  }

  // ---- Capability.REPLICATION ----

  /** The engine side of replication; see {@link io.coffer.spi.replication.ReplicationStrategy}. */
  default io.coffer.spi.replication.ReplicationStrategy replicationStrategy() {
    throw DatastoreException.unimplemented("replication");
  }

  // ---- Capability.CONFIGURATION ----

  /** The engine side of configuration; see {@link io.coffer.spi.config.ConfigurationManager}. */
  default io.coffer.spi.config.ConfigurationManager configuration() {
    throw DatastoreException.unimplemented("configuration");
  }

  // ---- Capability.CLUSTER ----

  /** The engine side of clusters; see {@link io.coffer.spi.cluster.ClusterStrategy}. */
  default io.coffer.spi.cluster.ClusterStrategy clusterStrategy() {
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
