package io.coffer.tck.mysql;

import io.coffer.agent.config.AgentConfig;
import io.coffer.plugin.kit.testing.Prerequisites;
import io.coffer.tck.BackupData;
import io.coffer.tck.ClusterData;
import io.coffer.tck.ConfigurationSamples;
import io.coffer.tck.DataPlane;
import io.coffer.tck.DatastoreProvider;
import io.coffer.tck.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** Runs the TCK against a real MariaDB that the agent's MySQL plugin starts and supervises. */
public final class MysqlProvider implements DatastoreProvider {

  /** Skips (with the reason) when MariaDB is not installed. */
  public static MysqlProvider requireMariadb() {
    Prerequisites.require(
        Files.isExecutable(Path.of("/usr/sbin/mariadbd")) || onPath("mariadbd"),
        "mariadbd is not installed (apt-get install mariadb-server)");
    return new MysqlProvider();
  }

  private static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String engine() {
    return "mysql";
  }

  @Override
  public Path pluginsDir() {
    return Path.of(System.getProperty("coffer.plugins.dir", "target/plugins"));
  }

  @Override
  public AgentConfig.Datastore datastore(Path workDir, int port) {
    return new AgentConfig.Datastore(
        "mysql", workDir.resolve("data"), workDir.resolve("run"), "127.0.0.1", port, "", Map.of());
  }

  @Override
  public DataPlane dataPlane(int port) {
    return (user, password, database, value) -> {
      Properties p = new Properties();
      p.setProperty("user", user);
      p.setProperty("password", password);
      p.setProperty("connectTimeout", "5000");
      try (Connection c =
              DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/" + database, p);
          Statement s = c.createStatement()) {
        s.execute(
            "CREATE TABLE IF NOT EXISTS tck_rows (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(200))");
        try (PreparedStatement ins = c.prepareStatement("INSERT INTO tck_rows (v) VALUES (?)")) {
          ins.setString(1, value);
          ins.executeUpdate();
        }
        try (ResultSet rs = s.executeQuery("SELECT v FROM tck_rows ORDER BY id DESC LIMIT 1")) {
          rs.next();
          return rs.getString(1);
        }
      }
    };
  }

  @Override
  public List<String> badDatabaseNames() {
    return List.of(
        "",
        "quo'te",
        "back`tick",
        "semi;colon",
        "x; DROP DATABASE mysql",
        "sp ace",
        "dq\"uote",
        "sl/ash",
        "back\\slash",
        "x".repeat(65),
        "ünïcødé",
        "mysql",
        "information_schema");
  }

  @Override
  public List<String> badUserNames() {
    return List.of(
        "",
        "quo'te",
        "back`tick",
        "semi;colon",
        "x'@'%' IDENTIFIED BY 'p",
        "sp ace",
        "x".repeat(81),
        "root",
        "mariadb.sys");
  }

  @Override
  public BackupData backupData(int port, String user, String password) {
    return new MysqlBackupData(port, user, password);
  }

  @Override
  public ConfigurationSamples configurationSamples() {
    return new ConfigurationSamples(
        "long_query_time",
        "2.5",
        "2.500000",
        "performance_schema",
        "ON",
        "ON",
        List.of(
            Map.entry("wait_timeout", "lots"),
            Map.entry("wait_timeout", "0"),
            Map.entry("wait_timeout", "30s"),
            Map.entry("max_allowed_packet", "1"),
            Map.entry("max_allowed_packet", "64X"),
            Map.entry("slow_query_log", "maybe"),
            Map.entry("event_scheduler", "SOMETIMES"),
            Map.entry("sql_mode", "STRICT_TRANS_TABLES\nX"),
            Map.entry("sql_mode", "NO_SUCH_MODE")),
        List.of(
            "port",
            "datadir",
            "read_only",
            "server_id",
            "log_bin",
            "max_connections",
            "innodb_buffer_pool_size",
            "init_file",
            "plugin_load_add",
            "no_such_variable",
            "wait_timeout=1; SET GLOBAL read_only"),
        // typed ENUM by the server with no values listed: the plugin reads them from the catalog
        List.of(
            Map.entry("character_set_server", "latin1"),
            Map.entry("collation_server", "utf8mb4_unicode_ci")));
  }

  @Override
  public String showParameter(int port, String user, String password, String name) {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/", p);
        PreparedStatement s = c.prepareStatement("SHOW GLOBAL VARIABLES LIKE ?")) {
      s.setString(1, name);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getString(2);
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot read " + name + " on port " + port, e);
    }
  }

  /**
   * A Galera member: the plugin's galera* settings with free ports, a small buffer pool (four run
   * at once).
   */
  @Override
  public AgentConfig.Datastore clusterMember(Path workDir, int port) {
    Prerequisites.require(
        Files.exists(Path.of("/usr/lib/galera/libgalera_smm.so")),
        "galera-4 is not installed (apt-get install galera-4)");
    // bound only when the node joins: chosen where no outgoing connection can take them meanwhile
    Map<String, String> settings =
        Map.of(
            "galeraPort",
            Integer.toString(Ports.freeForLater()),
            "galeraIstPort",
            Integer.toString(Ports.freeForLater()),
            "galeraSstPort",
            Integer.toString(Ports.freeForLater()),
            "innodbBufferPoolSize",
            "64M");
    return new AgentConfig.Datastore(
        "mysql", workDir.resolve("data"), workDir.resolve("run"), "127.0.0.1", port, "", settings);
  }

  @Override
  public ClusterData clusterData(Map<String, Integer> ports, String user, String password) {
    return new GaleraData(ports, user, password);
  }
}
