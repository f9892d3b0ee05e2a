package io.coffer.plugin.cassandra.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders the files Cassandra reads at start, all owned by the plugin and rewritten before every
 * start: {@code cassandra.yaml} (from a map, so a YAML writer quotes every value), {@code
 * cassandra-rackdc.properties} and {@code logback.xml}.
 *
 * <p>What the agent relies on is fixed here: password authentication and Cassandra's authorizer (<a
 * href="https://cassandra.apache.org/doc/5.0/cassandra/managing/operating/security.html">
 * Security</a>), the directories, addresses and ports, and {@code GossipingPropertyFileSnitch}, the
 * snitch Cassandra recommends for production, whose datacenter the keyspaces' {@code
 * NetworkTopologyStrategy} names.
 */
final class ConfigFiles {
  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .build());

  private ConfigFiles() {}

  /**
   * @param overrides the user's parameters, typed for YAML; they never replace what the agent sets
   */
  static Map<String, Object> cassandraYaml(CassandraSettings s, Map<String, Object> overrides) {
    Map<String, Object> y = new LinkedHashMap<>();
    y.put("cluster_name", s.clusterName());
    y.put("num_tokens", s.numTokens());
    y.put("allocate_tokens_for_local_replication_factor", 3);
    y.put("partitioner", "org.apache.cassandra.dht.Murmur3Partitioner");
    y.put("authenticator", "PasswordAuthenticator");
    y.put("authorizer", "CassandraAuthorizer");
    y.put("role_manager", "CassandraRoleManager");
    y.put("data_file_directories", List.of(s.sstableDir().toString()));
    y.put("commitlog_directory", s.commitLogDir().toString());
    y.put("saved_caches_directory", s.savedCachesDir().toString());
    y.put("hints_directory", s.hintsDir().toString());
    y.put("cdc_raw_directory", s.cdcRawDir().toString());
    y.put("commitlog_sync", "periodic");
    y.put("commitlog_sync_period", "10000ms");
    y.put(
        "seed_provider",
        List.of(
            Map.of(
                "class_name",
                "org.apache.cassandra.locator.SimpleSeedProvider",
                "parameters",
                List.of(Map.of("seeds", String.join(",", s.seeds()))))));
    y.put("listen_address", s.listenAddress());
    y.put("rpc_address", s.bindAddress());
    if (s.bindAddress().equals("0.0.0.0")) {
      y.put("broadcast_rpc_address", s.listenAddress());
    }
    y.put("storage_port", s.storagePort());
    y.put("native_transport_port", s.port());
    y.put("start_native_transport", true);
    y.put("endpoint_snitch", "GossipingPropertyFileSnitch");
    y.put("auto_snapshot", true);
    y.put("incremental_backups", s.incrementalBackups());
    y.put("disk_failure_policy", "stop");
    y.put("commit_failure_policy", "stop");
    overrides.forEach(y::putIfAbsent);
    return y;
  }

  static String renderYaml(CassandraSettings s, Map<String, Object> overrides) {
    try {
      return "# Written by the Coffer agent before every start; edits are lost (coffer config set\n"
          + "# keeps parameters in coffer-parameters.json beside the data).\n"
          + YAML.writeValueAsString(cassandraYaml(s, overrides));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot render cassandra.yaml", e);
    }
  }

  static String rackDc(CassandraSettings s) {
    return "# Written by the Coffer agent before every start.\ndc="
        + s.datacenter()
        + "\nrack="
        + s.rack()
        + "\n";
  }

  /** INFO and above to standard output, which the runtime appends to {@code cassandra.out}. */
  static String logback() {
    return """
        <configuration scan="false">
          <!-- Written by the Coffer agent before every start. -->
          <shutdownHook class="ch.qos.logback.core.hook.DelayingShutdownHook"/>
          <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
            <encoder><pattern>%d{ISO8601} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>
          </appender>
          <logger name="org.apache.cassandra" level="INFO"/>
          <root level="INFO"><appender-ref ref="STDOUT"/></root>
        </configuration>
        """;
  }
}
