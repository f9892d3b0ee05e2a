package io.coffer.plugin.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.coffer.plugin.kit.testing.Prerequisites;
import io.coffer.spi.DatastoreContext;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.Probe;
import io.coffer.spi.ProcessSpec;
import io.coffer.spi.Secret;
import io.coffer.spi.UserAccount;
import io.coffer.spi.config.ConfigurationChange;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin against a real redis-server it describes (started here as the runtime would):
 * readiness as the admin user, the default user off, ACL users and their rules, configuration.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisServerTest {
  private final RedisDatastoreManager manager = new RedisDatastoreManager();
  private Process server;
  private int port;
  @TempDir static Path dir; // deleted by JUnit after the class

  @BeforeAll
  void start() throws Exception {
    Prerequisites.require(
        Files.isExecutable(Path.of("/usr/bin/redis-server")), "redis-server is not installed");
    // the server's OS account (redis) must reach its directories under it
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (var s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    manager.init(
        new DatastoreContext(
            "redis-test",
            dir.resolve("data"),
            dir.resolve("run"),
            "127.0.0.1",
            port,
            "",
            Map.of()));
    manager.prepare();
    ProcessSpec spec = manager.serverProcess();
    server =
        new ProcessBuilder(spec.command())
            .directory(spec.workingDir().toFile())
            .redirectErrorStream(true)
            .redirectOutput(spec.logFile().toFile())
            .start();
    manager.awaitReady(Duration.ofSeconds(20));
  }

  @AfterAll
  void stop() throws Exception {
    manager.close();
    if (server != null) {
      server.destroy();
      server.waitFor();
    }
  }

  @Test
  void isHealthyAndStandalone() {
    Probe p = manager.probe();
    assertThat(p.health()).isEqualTo(Probe.Health.HEALTHY);
    assertThat(p.role()).isEqualTo(Probe.Role.STANDALONE);
    assertThat(manager.serverVersion()).startsWith("7.");
  }

  @Test
  void usersAreCreatedWithTheirRulesAndInjectedRulesAreRefused() {
    manager
        .users()
        .create(new UserAccount("app", "", List.of(), "~app:* +@read +@write"), Secret.of("pw-1"));
    assertThat(manager.users().list())
        .anySatisfy(
            u -> {
              assertThat(u.name()).isEqualTo("app");
              assertThat(u.accessRules()).contains("~app:*");
            });
    for (String rules :
        List.of(
            "on >pw ~* +@all", "nopass", "reset", "(~* +@all)", "#abc", "resetpass", "+@all off")) {
      DatastoreException e =
          catchThrowableOfType(
              () ->
                  manager
                      .users()
                      .create(new UserAccount("evil", "", List.of(), rules), Secret.of("pw")),
              DatastoreException.class);
      assertThat(e.field()).as(rules).isEqualTo("access_rules");
    }
    DatastoreException unknown =
        catchThrowableOfType(
            () ->
                manager
                    .users()
                    .create(
                        new UserAccount("evil", "", List.of(), "+nosuchcommand"), Secret.of("pw")),
            DatastoreException.class);
    assertThat(unknown.field()).isEqualTo("access_rules");
    assertThat(manager.users().list()).noneMatch(u -> u.name().equals("evil"));
  }

  @Test
  void configurationChangesApplyAndBadValuesChangeNothing() {
    var changed =
        manager
            .configuration()
            .apply(new ConfigurationChange(Map.of("maxmemory", "64mb"), Set.of()));
    assertThat(changed.get(0).value()).isEqualTo(Long.toString(64L << 20));
    DatastoreException e =
        catchThrowableOfType(
            () ->
                manager
                    .configuration()
                    .apply(
                        new ConfigurationChange(
                            Map.of("maxmemory", "1gb", "save", "not a schedule"), Set.of())),
            DatastoreException.class);
    assertThat(e.field()).isEqualTo("values.save");
    assertThat(manager.configuration().values(List.of("maxmemory")).get(0).value())
        .isEqualTo(Long.toString(64L << 20));
  }
}
