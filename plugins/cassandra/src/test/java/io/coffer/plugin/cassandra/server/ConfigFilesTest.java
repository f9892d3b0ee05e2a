package io.coffer.plugin.cassandra.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigFilesTest {
  private static CassandraSettings settings(String bind) {
    return new CassandraSettings(
        Path.of("/usr/bin/java"),
        List.of(Path.of("/usr/share/cassandra"), Path.of("/usr/share/cassandra/lib")),
        Path.of("/usr/share/cassandra/lib/jamm-0.4.0.jar"),
        Path.of("/var/lib/coffer/data"),
        Path.of("/run/coffer"),
        bind,
        "10.0.0.5",
        9042,
        7000,
        7199,
        "shop: 'prod'",
        "dc1",
        "rack1",
        List.of("10.0.0.5:7000", "10.0.0.6:7000"),
        1024,
        16,
        false,
        false,
        null);
  }

  @SuppressWarnings("unchecked")
  @Test
  void yamlParsesBackToWhatTheAgentReliesOnWithValuesQuoted() throws Exception {
    Map<String, Object> y =
        new ObjectMapper(new YAMLFactory())
            .readValue(ConfigFiles.renderYaml(settings("10.0.0.5"), Map.of()), Map.class);
    assertThat(y)
        .containsEntry("cluster_name", "shop: 'prod'")
        .containsEntry("authenticator", "PasswordAuthenticator")
        .containsEntry("authorizer", "CassandraAuthorizer")
        .containsEntry("listen_address", "10.0.0.5")
        .containsEntry("rpc_address", "10.0.0.5")
        .containsEntry("native_transport_port", 9042)
        .containsEntry("storage_port", 7000)
        .containsEntry("endpoint_snitch", "GossipingPropertyFileSnitch")
        .containsEntry("data_file_directories", List.of("/var/lib/coffer/data/data"))
        .doesNotContainKey("broadcast_rpc_address");
    List<Map<String, Object>> seeds = (List<Map<String, Object>>) y.get("seed_provider");
    assertThat(seeds.get(0).get("parameters"))
        .isEqualTo(List.of(Map.of("seeds", "10.0.0.5:7000,10.0.0.6:7000")));
  }

  @SuppressWarnings("unchecked")
  @Test
  void aNodeListeningOnEveryAddressBroadcastsItsOwn() throws Exception {
    Map<String, Object> y =
        new ObjectMapper(new YAMLFactory())
            .readValue(ConfigFiles.renderYaml(settings("0.0.0.0"), Map.of()), Map.class);
    assertThat(y)
        .containsEntry("rpc_address", "0.0.0.0")
        .containsEntry("broadcast_rpc_address", "10.0.0.5");
  }

  @SuppressWarnings("unchecked")
  @Test
  void theUsersParametersAreMergedTypedAndNeverReplaceTheAgents() throws Exception {
    Map<String, Object> y =
        new ObjectMapper(new YAMLFactory())
            .readValue(
                ConfigFiles.renderYaml(
                    settings("10.0.0.5"),
                    Map.of(
                        "hinted_handoff_enabled",
                        false,
                        "tombstone_warn_threshold",
                        2000L,
                        "read_request_timeout",
                        "7000ms",
                        "authenticator",
                        "AllowAllAuthenticator")),
                Map.class);
    assertThat(y)
        .containsEntry("hinted_handoff_enabled", false)
        .containsEntry("tombstone_warn_threshold", 2000)
        .containsEntry("read_request_timeout", "7000ms")
        .containsEntry("authenticator", "PasswordAuthenticator");
  }

  @Test
  void theCommandRunsTheDaemonWithJava17AccessAndTheRenderedFiles() {
    List<String> c = ServerCommand.spec(settings("10.0.0.5")).command();
    assertThat(c.get(0)).isEqualTo("/usr/bin/java");
    assertThat(c)
        .contains(
            "-Xmx1024M",
            "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "-javaagent:/usr/share/cassandra/lib/jamm-0.4.0.jar",
            "-Dcassandra.config=file:///run/coffer/conf/cassandra.yaml",
            "-Dcassandra.jmx.local.port=7199",
            "/usr/share/cassandra/*:/usr/share/cassandra/lib/*")
        .doesNotContain("-Dcassandra.superuser_setup_delay_ms=0");
    assertThat(c.get(c.size() - 1)).isEqualTo("org.apache.cassandra.service.CassandraDaemon");
  }
}
