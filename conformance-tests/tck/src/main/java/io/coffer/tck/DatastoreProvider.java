package io.coffer.tck;

import io.coffer.agent.config.AgentConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a plugin supplies to run the TCK against its engine: where its zip is, how to configure an
 * instance, and how an ordinary client checks outcomes on the server. Which suites run is not said
 * here: that follows from the capabilities the loaded plugin declares. A suite whose capability is
 * declared needs its hooks below ({@link #backupData}, {@link #configurationSamples}, {@link
 * #clusterMember}, ...) and fails naming the missing one.
 */
public interface DatastoreProvider {

  /** Engine id, as the plugin's DatastoreManager reports it. */
  String engine();

  /** Directory holding the plugin zip; PF4J loads it from there, never from the test classpath. */
  Path pluginsDir();

  /**
   * The {@code datastore} section of the agent configuration for a fresh, empty instance.
   *
   * @param workDir an empty directory owned by this instance
   * @param port a free TCP port on 127.0.0.1
   */
  AgentConfig.Datastore datastore(Path workDir, int port);

  /** An ordinary client of the server listening on {@code port}, to check outcomes. */
  DataPlane dataPlane(int port);

  /** Database names the engine must refuse (quotes, separators, empty, too long, ...). */
  List<String> badDatabaseNames();

  /** User names the engine must refuse. */
  List<String> badUserNames();

  /**
   * Data checks for the backup suite on the server listening on {@code port}, logged in with the
   * superuser credentials the TCK obtained through the API (Trove's "root enable").
   */
  default BackupData backupData(int port, String user, String password) {
    throw new UnsupportedOperationException(engine() + " has no backup data checks");
  }

  /**
   * Whether a replica carries its source's accounts (physical replication does; Redis replicates
   * keys but not ACL users, so the suite enables root on each instance instead).
   */
  default boolean replicasCarryAccounts() {
    return true;
  }

  /**
   * Whether databases are created and deleted by name (schemas). False for engines with a fixed set
   * (Redis' numbered databases): the suite then checks that create and delete are refused as
   * UNIMPLEMENTED, and creates users without database grants.
   */
  default boolean namedDatabases() {
    return true;
  }

  /** Parameters the configuration suite changes; null skips the suite. */
  default ConfigurationSamples configurationSamples() {
    return null;
  }

  /**
   * A parameter's value as an ordinary client of the server on {@code port} reads it (PostgreSQL:
   * {@code SHOW}; MariaDB: {@code SELECT @@GLOBAL.x}; Redis: {@code CONFIG GET}), logged in with
   * the superuser credentials the TCK obtained through the API.
   */
  default String showParameter(int port, String user, String password, String name) {
    throw new UnsupportedOperationException(engine() + " has no configuration checks");
  }

  /**
   * The {@code datastore} section of a fresh instance that can join a cluster (e.g. Galera's or
   * Redis Cluster's settings), for the cluster suite; null when the plugin has no clusters.
   *
   * @param workDir an empty directory owned by this member
   * @param port a free TCP port on 127.0.0.1 (with {@code port + 10000} free too, for Redis' bus)
   */
  default AgentConfig.Datastore clusterMember(Path workDir, int port) {
    return null;
  }

  /**
   * Reads and writes on the cluster's members as its clients would, logged in with the superuser
   * credentials the TCK set on every member (the same on each); null when the plugin has no
   * clusters.
   *
   * @param ports each member's client port, by instance id
   */
  default ClusterData clusterData(Map<String, Integer> ports, String user, String password) {
    return null;
  }
}
