package io.coffer.tck.redis;

import io.coffer.agent.config.AgentConfig;
import io.coffer.proto.v1.CreateUserRequest;
import io.coffer.tck.Ports;
import io.coffer.tck.Testbed;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Starts cluster-mode Redis nodes, one agent each, on a testbed, and gives each the application's
 * account (ACL users are per node in Redis Cluster).
 */
final class RedisClusterNodes {
  private RedisClusterNodes() {}

  /** Starts one agent per id and waits until all are healthy; returns each instance's port. */
  static Map<String, Integer> start(
      Testbed bed, Path work, List<String> ids, String user, String password) throws Exception {
    RedisProvider provider = RedisProvider.requireRedis();
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (String id : ids) {
      int port = clusterPort(ports);
      ports.put(id, port);
      AgentConfig.Datastore ds =
          new AgentConfig.Datastore(
              "redis",
              work.resolve(id).resolve("data"),
              work.resolve(id).resolve("run"),
              "127.0.0.1",
              port,
              "",
              Map.of("cluster", "true"));
      bed.startAgent(bed.agentConfig(id, provider.pluginsDir(), ds));
    }
    for (String id : ids) {
      bed.awaitHealthy(id, Duration.ofSeconds(90));
      bed.users()
          .createUser(
              CreateUserRequest.newBuilder()
                  .setInstanceId(id)
                  .setName(user)
                  .setPassword(password)
                  .setAccessRules("~* &* +@all")
                  .build());
    }
    return ports;
  }

  /**
   * A port whose cluster bus port (+10000) is free too. Both lie below Linux's ephemeral range
   * (32768 and up), so no outgoing connection of this run can take the bus port between this check
   * and the node's start: a node whose bus port is taken never starts (CI once saw that).
   */
  private static int clusterPort(Map<String, Integer> taken) {
    Random random = new Random();
    for (int attempt = 0; attempt < 1000; attempt++) {
      int p = 20_000 + random.nextInt(2_700);
      if (!taken.containsValue(p) && Ports.isFree(p) && Ports.isFree(p + 10_000)) {
        return p;
      }
    }
    throw new IllegalStateException("no free port pair (p, p+10000) between 20000 and 32767");
  }
}
