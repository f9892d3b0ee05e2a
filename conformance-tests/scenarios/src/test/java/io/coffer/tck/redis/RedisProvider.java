package io.coffer.tck.redis;

import io.coffer.agent.config.AgentConfig;
import io.coffer.plugin.kit.testing.Prerequisites;
import io.coffer.tck.BackupData;
import io.coffer.tck.ClusterData;
import io.coffer.tck.ConfigurationSamples;
import io.coffer.tck.DataPlane;
import io.coffer.tck.DatastoreProvider;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Runs the TCK against a real Redis 7 that the agent's Redis plugin starts and supervises. */
public final class RedisProvider implements DatastoreProvider {
  static final Path SERVER = Path.of("/usr/bin/redis-server");

  /** Skips (with the reason) when redis-server is not installed. */
  public static RedisProvider requireRedis() {
    Prerequisites.require(
        Files.isExecutable(SERVER), "Redis is not installed (apt-get install redis-server)");
    return new RedisProvider();
  }

  @Override
  public String engine() {
    return "redis";
  }

  @Override
  public Path pluginsDir() {
    return Path.of(System.getProperty("coffer.plugins.dir", "target/plugins"));
  }

  @Override
  public AgentConfig.Datastore datastore(Path workDir, int port) {
    return new AgentConfig.Datastore(
        "redis", workDir.resolve("data"), workDir.resolve("run"), "127.0.0.1", port, "", Map.of());
  }

  /** One client (event loops) for the test JVM; each check opens and closes its own connection. */
  private static final RedisClient CLIENT = RedisClient.create();

  /** An ordinary client, as applications connect: TCP, ACL user and password. */
  static StatefulRedisConnection<String, String> connect(int port, String user, String password) {
    RedisURI uri =
        RedisURI.builder()
            .withHost("127.0.0.1")
            .withPort(port)
            .withAuthentication(user, password.toCharArray())
            .withTimeout(Duration.ofSeconds(30))
            .build();
    return CLIENT.connect(uri);
  }

  @Override
  public DataPlane dataPlane(int port) {
    return (user, password, database, value) -> {
      try (StatefulRedisConnection<String, String> c = connect(port, user, password)) {
        c.sync().select(Integer.parseInt(database.substring(2)));
        c.sync().set("tck:value", value);
        return c.sync().get("tck:value");
      }
    };
  }

  @Override
  public boolean namedDatabases() {
    return false;
  }

  @Override
  public boolean replicasCarryAccounts() {
    return false;
  }

  @Override
  public List<String> badDatabaseNames() {
    return List.of("db99"); // databases are fixed: the suite skips its name checks
  }

  @Override
  public List<String> badUserNames() {
    return List.of(
        "",
        "x on >pw ~* +@all",
        "x >pw",
        "sp ace",
        "-dash",
        "default",
        "DEFAULT",
        "root",
        "coffer_admin",
        "coffer_repl",
        "quo'te",
        "semi;colon",
        "nul\0byte",
        "x".repeat(65),
        "ünïcødé");
  }

  @Override
  public BackupData backupData(int port, String user, String password) {
    return new RedisBackupData(connect(port, user, password));
  }

  @Override
  public ConfigurationSamples configurationSamples() {
    return new ConfigurationSamples(
        "maxmemory-policy",
        "allkeys-lru",
        "allkeys-lru",
        "databases",
        "32",
        "32",
        List.of(
            Map.entry("maxmemory", "lots"),
            Map.entry("maxmemory", "-1"),
            Map.entry("maxmemory", "10 parsecs"),
            Map.entry("hz", "0"),
            Map.entry("hz", "501"),
            Map.entry("appendonly", "maybe"),
            Map.entry("appendfsync", "sometimes"),
            Map.entry("timeout", "30s"),
            Map.entry("save", "every now and then"),
            Map.entry("notify-keyspace-events", "K\nE")),
        List.of(
            "port",
            "dir",
            "dbfilename",
            "aclfile",
            "requirepass",
            "masterauth",
            "replicaof",
            "min-replicas-to-write",
            "enable-debug-command",
            "no-such-parameter",
            "maxmemory 1 port"));
  }

  @Override
  public String showParameter(int port, String user, String password, String name) {
    try (StatefulRedisConnection<String, String> c = connect(port, user, password)) {
      return c.sync().configGet(name).get(name);
    }
  }

  @Override
  public AgentConfig.Datastore clusterMember(Path workDir, int port) {
    return new AgentConfig.Datastore(
        "redis",
        workDir.resolve("data"),
        workDir.resolve("run"),
        "127.0.0.1",
        port,
        "",
        Map.of("cluster", "true"));
  }

  @Override
  public ClusterData clusterData(Map<String, Integer> ports, String user, String password) {
    return new RedisClusterData(ports, user, password);
  }
}
