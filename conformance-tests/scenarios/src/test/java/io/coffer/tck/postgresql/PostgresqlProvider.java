package io.coffer.tck.postgresql;

import io.coffer.agent.config.AgentConfig;
import io.coffer.plugin.kit.testing.Prerequisites;
import io.coffer.tck.BackupData;
import io.coffer.tck.ConfigurationSamples;
import io.coffer.tck.DataPlane;
import io.coffer.tck.DatastoreProvider;
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

/**
 * Runs the TCK against a real PostgreSQL 15 that the agent's PostgreSQL plugin starts and
 * supervises.
 */
public final class PostgresqlProvider implements DatastoreProvider {

  static final Path BIN_DIR = Path.of("/usr/lib/postgresql/15/bin");

  /** Skips (with the reason) when PostgreSQL 15 is not installed. */
  public static PostgresqlProvider requirePostgresql() {
    Prerequisites.require(
        Files.isExecutable(BIN_DIR.resolve("postgres")),
        "PostgreSQL 15 is not installed (apt-get install postgresql)");
    return new PostgresqlProvider();
  }

  @Override
  public String engine() {
    return "postgresql";
  }

  @Override
  public Path pluginsDir() {
    return Path.of(System.getProperty("coffer.plugins.dir", "target/plugins"));
  }

  @Override
  public AgentConfig.Datastore datastore(Path workDir, int port) {
    return new AgentConfig.Datastore(
        "postgresql",
        workDir.resolve("data"),
        workDir.resolve("run"),
        "127.0.0.1",
        port,
        "",
        Map.of("sharedBuffers", "32MB"));
  }

  /** Logs in over TCP with scram-sha-256, as applications do. */
  static Connection connect(int port, String user, String password, String database)
      throws Exception {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("connectTimeout", "5");
    p.setProperty("sslmode", "disable");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, p);
  }

  @Override
  public DataPlane dataPlane(int port) {
    return (user, password, database, value) -> {
      try (Connection c = connect(port, user, password, database);
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS tck_rows (id SERIAL PRIMARY KEY, v VARCHAR(200))");
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
        "dq\"uote",
        "semi;colon",
        "x\"; DROP DATABASE postgres; --",
        "sp ace",
        "sl/ash",
        "back\\slash",
        "nul\0byte",
        "x".repeat(64),
        "ünïcødé",
        "postgres",
        "template0",
        "Template1");
  }

  @Override
  public List<String> badUserNames() {
    return List.of(
        "",
        "quo'te",
        "dq\"uote",
        "semi;colon",
        "x\" SUPERUSER; --",
        "sp ace",
        "x".repeat(64),
        "postgres",
        "coffer_admin",
        "pg_monitor",
        "public",
        "current_user");
  }

  @Override
  public BackupData backupData(int port, String user, String password) {
    return new PostgresqlBackupData(port, user, password);
  }

  @Override
  public ConfigurationSamples configurationSamples() {
    return new ConfigurationSamples(
        "work_mem",
        "12MB",
        "12MB",
        "max_locks_per_transaction",
        "128",
        "128",
        List.of(
            Map.entry("statement_timeout", "lots"),
            Map.entry("statement_timeout", "5 parsecs"),
            Map.entry("maintenance_work_mem", "1kB"),
            Map.entry("maintenance_work_mem", "64mb"),
            Map.entry("jit", "maybe"),
            Map.entry("log_statement", "everything"),
            Map.entry("max_parallel_workers", "-1"),
            Map.entry("random_page_cost", "cheap"),
            Map.entry("log_line_prefix", "a\nb")),
        List.of(
            "port",
            "shared_preload_libraries",
            "primary_conninfo",
            "synchronous_standby_names",
            "shared_buffers",
            "archive_command",
            "no_such_parameter",
            "work_mem = 1; ALTER SYSTEM SET port"));
  }

  @Override
  public String showParameter(int port, String user, String password, String name) {
    try (Connection c = connect(port, user, password, "postgres");
        PreparedStatement s = c.prepareStatement("SELECT current_setting(?)")) {
      s.setString(1, name);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot read " + name + " on port " + port, e);
    }
  }
}
