package io.coffer.plugin.cassandra.jmx;

import io.coffer.spi.DatastoreException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The node's JMX, on loopback, for what CQL cannot do: the same MBean operations {@code nodetool}
 * calls, without starting a JVM per call. Each call opens and closes its own connection.
 */
public final class NodeJmx {
  /**
   * The node's authentication caches (<a
   * href="https://cassandra.apache.org/doc/5.0/cassandra/managing/tools/nodetool/invalidatecredentialscache.html">
   * nodetool invalidatecredentialscache</a> and its siblings).
   */
  private static final List<String> AUTH_CACHES =
      List.of(
          "org.apache.cassandra.auth:type=CredentialsCache",
          "org.apache.cassandra.auth:type=RolesCache",
          "org.apache.cassandra.auth:type=PermissionsCache",
          "org.apache.cassandra.auth:type=NetworkPermissionsCache");

  private final JMXServiceURL url;

  public NodeJmx(int port) {
    try {
      this.url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
    } catch (java.net.MalformedURLException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /**
   * Empties the node's credentials, roles and permissions caches, so that a password change, a
   * revoked permission or a dropped role applies to the next login or statement on this node rather
   * than after the caches' validity (2 s by default).
   */
  public void invalidateAuthCaches() {
    call(
        c -> {
          for (String cache : AUTH_CACHES) {
            ObjectName name = new ObjectName(cache);
            if (c.isRegistered(name)) {
              c.invoke(name, "invalidate", new Object[0], new String[0]);
            }
          }
          return null;
        });
  }

  private static final String STORAGE_SERVICE = "org.apache.cassandra.db:type=StorageService";

  /**
   * Flushes the keyspaces' memtables and hard-links every live SSTable of theirs under {@code
   * snapshots/<tag>} in each table's directory: {@code nodetool snapshot -t <tag> <keyspace>...}
   * (StorageServiceMBean {@code takeSnapshot(tag, options, entities)}).
   */
  public void takeSnapshot(String tag, List<String> keyspaces) {
    call(
        c ->
            c.invoke(
                new ObjectName(STORAGE_SERVICE),
                "takeSnapshot",
                new Object[] {tag, Map.of("skipFlush", "false"), keyspaces.toArray(new String[0])},
                new String[] {
                  String.class.getName(), Map.class.getName(), String[].class.getName()
                }));
  }

  /** Flushes the keyspace's memtables to SSTables: {@code nodetool flush <keyspace>}. */
  public void flush(String keyspace) {
    call(
        c ->
            c.invoke(
                new ObjectName(STORAGE_SERVICE),
                "forceKeyspaceFlush",
                new Object[] {keyspace, new String[0]},
                new String[] {String.class.getName(), String[].class.getName()}));
  }

  /** Removes the snapshot {@code tag} from every keyspace: {@code nodetool clearsnapshot -t}. */
  public void clearSnapshot(String tag) {
    call(
        c ->
            c.invoke(
                new ObjectName(STORAGE_SERVICE),
                "clearSnapshot",
                new Object[] {tag, new String[0]},
                new String[] {String.class.getName(), String[].class.getName()}));
  }

  /**
   * Loads the SSTables in {@code dir} into the table, moving them: {@code nodetool import} with its
   * defaults (levels reset, repaired state cleared, SSTables and tokens verified, caches
   * invalidated); ColumnFamilyStoreMBean {@code importNewSSTables}.
   *
   * @return the directories that failed (empty when all were imported)
   */
  @SuppressWarnings("unchecked")
  public List<String> importSSTables(String keyspace, String table, String dir) {
    return call(
        c ->
            (List<String>)
                c.invoke(
                    new ObjectName(
                        "org.apache.cassandra.db:type=Tables,keyspace="
                            + keyspace
                            + ",table="
                            + table),
                    "importNewSSTables",
                    new Object[] {
                      java.util.Set.of(dir), true, true, true, true, true, false, false
                    },
                    new String[] {
                      java.util.Set.class.getName(),
                      "boolean",
                      "boolean",
                      "boolean",
                      "boolean",
                      "boolean",
                      "boolean",
                      "boolean"
                    }));
  }

  /**
   * Sets an attribute of one of the node's MBeans, as nodetool's setters do (e.g. {@code
   * setcompactionthroughput}: StorageService {@code CompactionThroughputMbPerSec}).
   *
   * @param mbean e.g. {@code org.apache.cassandra.db:type=StorageService}
   */
  public void set(String mbean, String attribute, Object value) {
    call(
        c -> {
          c.setAttribute(new ObjectName(mbean), new javax.management.Attribute(attribute, value));
          return null;
        });
  }

  /** The server's process id, as its JVM reports it. */
  public long pid() {
    return call(c -> (Long) c.getAttribute(new ObjectName("java.lang:type=Runtime"), "Pid"));
  }

  private interface Call<T> {
    T apply(MBeanServerConnection c) throws JMException, IOException;
  }

  private <T> T call(Call<T> call) {
    try (JMXConnector connector = JMXConnectorFactory.connect(url, Map.of())) {
      return call.apply(connector.getMBeanServerConnection());
    } catch (IOException e) {
      throw DatastoreException.unavailable(
          "Cassandra's JMX on " + url + " is not answering: " + e.getMessage(), e);
    } catch (javax.management.MBeanException e) {
      Exception cause = e.getTargetException();
      throw DatastoreException.internal(
          "Cassandra refused: " + (cause == null ? e.getMessage() : cause.getMessage()), e);
    } catch (JMException e) {
      throw DatastoreException.internal("Cassandra's JMX refused: " + e.getMessage(), e);
    }
  }
}
