package io.coffer.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.agent.backup.Compression;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigLoaderTest {
  @TempDir Path dir;
  Path file;

  @BeforeEach
  void tlsFiles() throws Exception {
    for (String f : new String[] {"ca.pem", "a.pem", "a.key"}) {
      Files.writeString(dir.resolve(f), "x");
    }
    file = dir.resolve("agent.yaml");
  }

  @Test
  void readsTheFileResolvesRelativePathsAndAppliesEnvironmentOverrides() throws Exception {
    Files.writeString(
        file,
        """
        instanceId: db1
        stateDir: state
        control: {address: "localhost:7443", caFile: ca.pem, certFile: a.pem, keyFile: a.key}
        datastore: {engine: mysql, dataDir: data, port: 3306, settings: {binDir: /usr/sbin}}
        """);
    AgentConfig c =
        AgentConfigLoader.load(
            file,
            Map.of(
                "COFFER_AGENT_CONTROL__ADDRESS", "control.example:9443",
                "COFFER_AGENT_HEARTBEAT_INTERVAL", "500ms",
                "COFFER_AGENT_DATASTORE__SETTINGS__BIN_DIR", "/opt/mariadb/bin",
                "UNRELATED", "x"));
    assertThat(c.instanceId()).isEqualTo("db1");
    assertThat(c.stateDir()).isEqualTo(dir.resolve("state"));
    assertThat(c.pluginsDir()).isEqualTo(dir.resolve("state/plugins"));
    assertThat(c.control().host()).isEqualTo("control.example");
    assertThat(c.control().port()).isEqualTo(9443);
    assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.datastore().settings()).containsEntry("binDir", "/opt/mariadb/bin");
    assertThat(c.datastore().runDir()).isEqualTo(dir.resolve("state/run"));
  }

  @Test
  void everyProblemIsReportedAtOnceNamingItsSetting() throws Exception {
    Files.writeString(
        file,
        """
        instanceId: DB_1
        heartbeatInterval: soon
        colour: blue
        control: {address: nowhere, caFile: missing.pem, certFile: a.pem, keyFile: a.key}
        datastore: {engine: mysql, port: 70000}
        """);
    assertThatThrownBy(() -> AgentConfigLoader.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("instanceId 'DB_1'")
        .hasMessageContaining("heartbeatInterval 'soon'")
        .hasMessageContaining("unknown setting 'colour'")
        .hasMessageContaining("control.address 'nowhere'")
        .hasMessageContaining("control.caFile")
        .hasMessageContaining("stateDir is required")
        .hasMessageContaining("datastore.dataDir is required")
        .hasMessageContaining("datastore.port must be between 1 and 65535");
  }

  @Test
  void backupCompressionDefaultsToLevelOneOnEveryCoreAndIsValidated() throws Exception {
    String base =
        """
        instanceId: db1
        stateDir: state
        control: {address: "localhost:7443", caFile: ca.pem, certFile: a.pem, keyFile: a.key}
        datastore: {engine: mysql, dataDir: data, port: 3306}
        """;
    Files.writeString(file, base);
    AgentConfig c = AgentConfigLoader.load(file, Map.of());
    assertThat(c.backup().compression().level()).isEqualTo(1);
    assertThat(c.backup().compression().workers())
        .isEqualTo(Runtime.getRuntime().availableProcessors());

    Files.writeString(file, base + "backup: {compression: {level: 6}}\n");
    c = AgentConfigLoader.load(file, Map.of("COFFER_AGENT_BACKUP__COMPRESSION__WORKERS", "0"));
    assertThat(c.backup().compression()).isEqualTo(new Compression(6, 0));

    Files.writeString(
        file, base + "backup: {compression: {level: 22, workers: many, speed: max}}\n");
    assertThatThrownBy(() -> AgentConfigLoader.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("backup.compression.level must be -7..-1 or 1..19, not 22")
        .hasMessageContaining("backup.compression.workers 'many' is not a number")
        .hasMessageContaining("unknown setting 'backup.compression.speed'");

    Files.writeString(file, base + "backup: {compression: {level: 0}}\n");
    assertThatThrownBy(() -> AgentConfigLoader.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "backup.compression.level must be -7..-1 or 1..19, not 0 (zstd would take 0 as its default, 3)");
    Files.writeString(file, base + "backup: {compression: {level: -3}}\n");
    assertThat(AgentConfigLoader.load(file, Map.of()).backup().compression().level()).isEqualTo(-3);
  }

  @Test
  void theCipherWarmUpIsOnUnlessTurnedOff() throws Exception {
    String base =
        """
        instanceId: db1
        stateDir: state
        control: {address: "localhost:7443", caFile: ca.pem, certFile: a.pem, keyFile: a.key}
        datastore: {engine: mysql, dataDir: data, port: 3306}
        """;
    Files.writeString(file, base);
    assertThat(AgentConfigLoader.load(file, Map.of()).backup().warmUp()).isTrue();
    Files.writeString(file, base + "backup: {warmUp: false}\n");
    assertThat(AgentConfigLoader.load(file, Map.of()).backup().warmUp()).isFalse();
    Files.writeString(file, base + "backup: {warmUp: sometimes}\n");
    assertThatThrownBy(() -> AgentConfigLoader.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("backup.warmUp 'sometimes' must be true or false");
  }

  @Test
  void noticesAndAnAdvertisedPortAreReadWithDefaultsAndValidated() throws Exception {
    String base =
        """
        instanceId: db1
        stateDir: state
        control: {address: "localhost:7443", caFile: ca.pem, certFile: a.pem, keyFile: a.key}
        """;
    Files.writeString(file, base + "datastore: {engine: mysql, dataDir: data, port: 3306}\n");
    AgentConfig c = AgentConfigLoader.load(file, Map.of());
    assertThat(c.notices()).isEqualTo(AgentConfig.Notices.DEFAULTS);
    assertThat(c.datastore().advertisePort()).isEqualTo(3306);

    Files.writeString(
        file,
        base
            + """
        datastore: {engine: mysql, dataDir: data, port: 3306, advertiseAddress: 10.0.0.7, advertisePort: 13306}
        notices: {storageNearlyFullPercent: 80, certificateWarning: 14d}
        """);
    c = AgentConfigLoader.load(file, Map.of());
    assertThat(c.notices()).isEqualTo(new AgentConfig.Notices(80, Duration.ofDays(14)));
    assertThat(c.datastore().advertiseAddress()).isEqualTo("10.0.0.7");
    assertThat(c.datastore().advertisePort()).isEqualTo(13306);
    assertThat(c.datastore().port()).isEqualTo(3306);

    Files.writeString(
        file,
        base
            + """
        datastore: {engine: mysql, dataDir: data, port: 3306, advertisePort: 0}
        notices: {storageNearlyFullPercent: 100, certificateWarning: 2y, colour: red}
        """);
    assertThatThrownBy(() -> AgentConfigLoader.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("datastore.advertisePort must be between 1 and 65535, not 0")
        .hasMessageContaining("notices.storageNearlyFullPercent must be between 1 and 99, not 100")
        .hasMessageContaining("notices.certificateWarning '2y' is not a duration")
        .hasMessageContaining("unknown setting 'notices.colour'");
    Files.writeString(
        file,
        base
            + """
        datastore: {engine: mysql, dataDir: data, port: 3306}
        notices: {certificateWarning: 400d}
        """);
    assertThatThrownBy(() -> AgentConfigLoader.load(file, Map.of()))
        .hasMessageContaining("notices.certificateWarning must be between 1h and 365 days");
  }

  private static final String MINIMAL =
      """
      instanceId: db1
      stateDir: state
      control: {address: "localhost:7443", caFile: ca.pem, certFile: a.pem, keyFile: a.key}
      """;

  @Test
  void valuesReachTheSettingsAsWrittenNotRetypedByYaml() throws Exception {
    Files.writeString(
        file,
        MINIMAL
            + """
        datastore:
          engine: mysql
          dataDir: data
          port: 3306
          settings: {fsync: off, ratio: 1.50, mode: 0640, name: "a b", empty: ~, flag: yes}
        """);
    AgentConfig c = AgentConfigLoader.load(file, Map.of());
    // "empty" is unset: left out, so that the plugin's default applies
    assertThat(c.datastore().settings())
        .containsExactly(
            Map.entry("fsync", "off"),
            Map.entry("ratio", "1.50"),
            Map.entry("mode", "0640"),
            Map.entry("name", "a b"),
            Map.entry("flag", "yes"));
  }

  @Test
  void unsetValuesTakeTheirDefaults() throws Exception {
    Files.writeString(
        file,
        MINIMAL
            + """
        pluginsDir: ~
        heartbeatInterval:
        datastore: {engine: mysql, dataDir: data, port: 3306, bindAddress: null}
        """);
    AgentConfig c = AgentConfigLoader.load(file, Map.of());
    assertThat(c.pluginsDir()).isEqualTo(dir.resolve("state/plugins"));
    assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.datastore().bindAddress()).isEqualTo("127.0.0.1");
  }

  @Test
  void s3StorageIsReadAndItsSecretCanComeFromTheEnvironment() throws Exception {
    Files.writeString(
        file,
        MINIMAL
            + """
        datastore: {engine: mysql, dataDir: data, port: 3306}
        backup:
          storage: s3
          s3:
            endpoint: http://127.0.0.1:9000
            region: eu-west-1
            bucket: backups
            prefix: coffer/
            accessKey: AK
            pathStyle: false
            partSize: 16777216
        """);
    AgentConfig c =
        AgentConfigLoader.load(file, Map.of("COFFER_AGENT_BACKUP__S3__SECRET_KEY", "s3cr3t"));
    var s3 = c.backup().s3();
    assertThat(s3.endpoint()).hasToString("http://127.0.0.1:9000");
    assertThat(s3.region()).isEqualTo("eu-west-1");
    assertThat(s3.bucket()).isEqualTo("backups");
    assertThat(s3.prefix()).isEqualTo("coffer/");
    assertThat(s3.accessKey()).isEqualTo("AK");
    assertThat(s3.secretKey()).isEqualTo("s3cr3t");
    assertThat(s3.pathStyle()).isFalse();
    assertThat(s3.partSize()).isEqualTo(16 << 20);
  }

  @Test
  void aMappingOrListWhereOneValueBelongsIsReported() throws Exception {
    Files.writeString(
        file,
        MINIMAL
            + """
        datastore: {engine: [mysql, mariadb], dataDir: data, port: {n: 1}, settings: {binDir: {a: b}}}
        backup: {storage: s3, s3: {bucket: b, pathStyle: maybe}}
        """);
    assertThatThrownBy(() -> AgentConfigLoader.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("datastore.engine must be a single value, not a list")
        .hasMessageContaining("datastore.port must be a single value, not a mapping")
        .hasMessageContaining("datastore.settings.binDir must be a single value, not a mapping")
        .hasMessageContaining("backup.s3.pathStyle 'maybe' must be true or false");
  }

  @Test
  void anEmptyFileNamesWhatIsRequiredAndOtherShapesAreRefused() throws Exception {
    Files.writeString(file, "");
    assertThatThrownBy(() -> AgentConfigLoader.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("instanceId is required")
        .hasMessageContaining("control is required")
        .hasMessageContaining("datastore is required");

    Files.writeString(file, "- instanceId: db1\n");
    assertThatThrownBy(() -> AgentConfigLoader.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("the file must be a YAML mapping");

    Files.writeString(file, "instanceId: [db1\n");
    assertThatThrownBy(() -> AgentConfigLoader.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cannot read:")
        .hasMessageContaining("line 2");

    assertThatThrownBy(() -> AgentConfigLoader.load(dir.resolve("missing.yaml"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cannot read:");
  }

  @Test
  void aRepeatedKeyKeepsItsLastValueAndAliasesAreFollowed() throws Exception {
    Files.writeString(
        file,
        """
        instanceId: db1
        stateDir: &state state
        pluginsDir: *state
        control: {address: "localhost:7443", caFile: ca.pem, certFile: a.pem, keyFile: a.key}
        instanceId: db2
        datastore: {engine: mysql, dataDir: data, port: 3306}
        ---
        """);
    AgentConfig c = AgentConfigLoader.load(file, Map.of());
    assertThat(c.instanceId()).isEqualTo("db2");
    assertThat(c.pluginsDir()).isEqualTo(dir.resolve("state"));
  }

  @Test
  void anOverrideFillsASectionLeftEmptyInTheFile() throws Exception {
    Files.writeString(file, MINIMAL + "datastore: ~\n");
    AgentConfig c =
        AgentConfigLoader.load(
            file,
            Map.of(
                "COFFER_AGENT_DATASTORE__ENGINE",
                "mysql",
                "COFFER_AGENT_DATASTORE__DATA_DIR",
                "/srv/data",
                "COFFER_AGENT_DATASTORE__PORT",
                "3307"));
    assertThat(c.datastore().engine()).isEqualTo("mysql");
    assertThat(c.datastore().dataDir()).isEqualTo(Path.of("/srv/data"));
    assertThat(c.datastore().port()).isEqualTo(3307);
  }

  @Test
  void aSecondDocumentOrAnAliasInsideItselfIsRefused() throws Exception {
    Files.writeString(file, MINIMAL + "---\ninstanceId: db2\n");
    assertThatThrownBy(() -> AgentConfigLoader.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("more than one YAML document");

    Files.writeString(
        file,
        MINIMAL
            + "datastore: &d {engine: mysql, dataDir: data, port: 3306, settings: {self: *d}}\n");
    assertThatThrownBy(() -> AgentConfigLoader.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("refers to a node that contains it");
  }

  @Test
  void anEnrollingAgentNeedsNoCertificateYetAndItsTokenComesFromTheFileOrTheEnvironment()
      throws Exception {
    String token = "cet_" + "A".repeat(43);
    Files.writeString(dir.resolve("token"), token + "\n");
    Files.writeString(
        file,
        """
        instanceId: db1
        stateDir: state
        control: {address: "control.example:7443", caFile: ca.pem}
        datastore: {engine: mysql, dataDir: data, port: 3306}
        enrollment: {tokenFile: token}
        """);
    AgentConfig c = AgentConfigLoader.load(file, Map.of());
    assertThat(c.control().enrollment().token()).isEqualTo(token);
    assertThat(c.control().enrollment().host()).isEqualTo("control.example");
    assertThat(c.control().enrollment().port()).isEqualTo(7444);
    assertThat(c.control().certFile()).isEqualTo(dir.resolve("state/tls/agent.pem"));
    assertThat(c.control().keyFile()).isEqualTo(dir.resolve("state/tls/agent.key"));
    assertThat(c.toString()).doesNotContain(token);

    String other = "cet_" + "b".repeat(43);
    Files.writeString(
        file,
        """
        instanceId: db1
        stateDir: state
        control: {address: "control.example:7443", caFile: ca.pem}
        datastore: {engine: mysql, dataDir: data, port: 3306}
        """);
    AgentConfig fromEnv =
        AgentConfigLoader.load(
            file,
            Map.of(
                "COFFER_AGENT_ENROLLMENT__TOKEN",
                other,
                "COFFER_AGENT_ENROLLMENT__ADDRESS",
                "api.example:9444"));
    assertThat(fromEnv.control().enrollment().token()).isEqualTo(other);
    assertThat(fromEnv.control().enrollment().port()).isEqualTo(9444);
  }

  @Test
  void theImagesTokenFileYieldsToAGivenTokenAndMayBeGoneOnceSpent() throws Exception {
    String fileToken = "cet_" + "F".repeat(43);
    Files.writeString(dir.resolve("token"), fileToken);
    Files.writeString(
        file,
        """
        instanceId: db1
        stateDir: state
        control: {address: "control.example:7443", caFile: ca.pem}
        datastore: {engine: mysql, dataDir: data, port: 3306}
        enrollment: {tokenFile: token}
        """);
    String envToken = "cet_" + "E".repeat(43);
    assertThat(
            AgentConfigLoader.load(file, Map.of("COFFER_AGENT_ENROLLMENT__TOKEN", envToken))
                .control()
                .enrollment()
                .token())
        .isEqualTo(envToken);
    // removed after the agent enrolled: the configuration still loads, with no token
    Files.delete(dir.resolve("token"));
    AgentConfig spent = AgentConfigLoader.load(file, Map.of());
    assertThat(spent.control().enrollment().token()).isNull();
    assertThat(spent.control().enrollment().missingTokenFile()).isEqualTo(dir.resolve("token"));
  }

  @Test
  void badEnrollmentSettingsAreReportedWithoutTheToken() throws Exception {
    Files.writeString(
        file,
        """
        instanceId: db1
        stateDir: state
        control: {address: "control.example:7443", caFile: ca.pem}
        datastore: {engine: mysql, dataDir: data, port: 3306}
        enrollment: {token: "not-a-token-secret-value", address: "nohost"}
        """);
    assertThatThrownBy(() -> AgentConfigLoader.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("the enrollment token is not one 'coffer enroll create' printed")
        .hasMessageNotContaining("not-a-token-secret-value");
    Files.writeString(
        file,
        """
        instanceId: db1
        stateDir: state
        control: {address: "control.example:7443", caFile: ca.pem}
        datastore: {engine: mysql, dataDir: data, port: 3306}
        enrollment: {address: "api:7444"}
        """);
    assertThatThrownBy(() -> AgentConfigLoader.load(file, Map.of()))
        .hasMessageContaining("enrollment needs token or tokenFile")
        .hasMessageContaining("control.certFile"); // without a token, the certificate is required
  }
}
