package io.coffer.tck.redis;

import io.coffer.tck.ClusterData;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The cluster suite's client of a Redis Cluster: Lettuce's cluster client seeded with the member
 * named, so a key goes to the node that owns its slot, as applications' clients route it.
 */
final class RedisClusterData implements ClusterData {
  private final Map<String, Integer> ports;
  private final String user;
  private final String password;
  private final Map<String, RedisClusterClient> clients = new HashMap<>();
  private final Map<String, StatefulRedisClusterConnection<String, String>> connections =
      new HashMap<>();

  RedisClusterData(Map<String, Integer> ports, String user, String password) {
    this.ports = new HashMap<>(ports);
    this.user = user;
    this.password = password;
  }

  @Override
  public void write(String member, String key, String value) {
    connection(member).sync().set(key, value);
  }

  @Override
  public String read(String member, String key) {
    return connection(member).sync().get(key);
  }

  @Override
  public void memberAdded(String member, int port) {
    ports.put(member, port);
    clients
        .values()
        .forEach(
            RedisClusterClient::refreshPartitions); // as a client does after a MOVED to a new node
  }

  private StatefulRedisClusterConnection<String, String> connection(String member) {
    return connections.computeIfAbsent(
        member,
        m -> {
          RedisClusterClient client =
              RedisClusterClient.create(
                  RedisURI.builder()
                      .withHost("127.0.0.1")
                      .withPort(ports.get(m))
                      .withAuthentication(user, password.toCharArray())
                      .withTimeout(Duration.ofSeconds(10))
                      .build());
          client.setOptions(
              ClusterClientOptions.builder()
                  .topologyRefreshOptions(
                      ClusterTopologyRefreshOptions.builder()
                          .enableAllAdaptiveRefreshTriggers()
                          .enablePeriodicRefresh(Duration.ofSeconds(2))
                          .build())
                  .build());
          clients.put(m, client);
          return client.connect();
        });
  }

  @Override
  public void close() {
    connections.values().forEach(StatefulRedisClusterConnection::close);
    clients.values().forEach(RedisClusterClient::shutdown);
  }
}
