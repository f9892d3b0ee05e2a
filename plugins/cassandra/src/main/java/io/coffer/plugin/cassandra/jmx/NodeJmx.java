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
    } catch (JMException e) {
      throw DatastoreException.internal("Cassandra's JMX refused: " + e.getMessage(), e);
    }
  }
}
