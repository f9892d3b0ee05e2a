package io.coffer.plugin.mysql.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.plugin.kit.OsAccount;
import io.coffer.plugin.kit.testing.Prerequisites;
import io.coffer.spi.DatastoreContext;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.ProcessSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerSettingsTest {

  private static final OsAccount ALICE = new OsAccount("alice", false);

  @TempDir Path tmp;
  private Path binDir;

  @BeforeEach
  void fakeBinaries() throws IOException {
    binDir = Files.createDirectory(tmp.resolve("bin"));
    FakeBinaries.script(binDir, "mariadbd", "exit 0");
    FakeBinaries.script(binDir, "mariadb-install-db", "exit 0");
  }

  private DatastoreContext context(String osUser, Map<String, String> settings) {
    return new DatastoreContext(
        "i-1", tmp.resolve("data"), tmp.resolve("run"), "127.0.0.1", 3307, osUser, settings);
  }

  @Test
  void nonRootAgentRunsTheServerAsItselfWithoutUserSwitch() {
    ServerSettings s = ServerSettings.from(context("", Map.of("binDir", binDir.toString())), ALICE);
    assertThat(s.osUser()).isEqualTo("alice");
    assertThat(s.switchUser()).isFalse();
    assertThat(s.innodbBufferPoolSize()).isEqualTo("128M");

    ProcessSpec spec = ServerCommand.spec(s);
    assertThat(spec.command())
        .containsExactly(
            binDir.resolve("mariadbd").toString(),
            "--defaults-file=" + tmp.resolve("data").resolve("coffer-parameters.cnf"),
            "--datadir=" + tmp.resolve("data"),
            "--port=3307",
            "--bind-address=127.0.0.1",
            "--socket=" + tmp.resolve("run/mysqld.sock"),
            "--pid-file=" + tmp.resolve("run/mysqld.pid"),
            "--log-error=" + tmp.resolve("run/mariadb.err"),
            "--skip-name-resolve",
            "--max-connections=100",
            "--log-bin=mariadb-bin",
            "--server-id=" + ServerSettings.serverId("i-1"),
            "--binlog-format=ROW",
            "--sync-binlog=1",
            "--binlog-expire-logs-seconds=604800",
            "--log-slave-updates",
            "--relay-log=mariadb-relay-bin",
            "--rpl-semi-sync-master-enabled=ON",
            "--rpl-semi-sync-master-wait-no-slave=OFF",
            "--rpl-semi-sync-master-wait-point=AFTER_SYNC",
            "--slave-net-timeout=4",
            "--init-file=" + tmp.resolve("data/coffer-init.sql"));
    assertThat(spec.logFile()).isEqualTo(tmp.resolve("run/mariadbd.out"));
    assertThat(spec.stopTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(new DataDirInitializer(s).installCommand())
        .containsExactly(
            binDir.resolve("mariadb-install-db").toString(),
            "--no-defaults",
            "--user=" + s.osUser(),
            "--datadir=" + tmp.resolve("data"),
            "--auth-root-authentication-method=socket",
            "--skip-test-db");
  }

  @Test
  void rootAgentDefaultsToTheMysqlAccountAndSwitchesUser() {
    ServerSettings s;
    try {
      s =
          ServerSettings.from(
              context("", Map.of("binDir", binDir.toString(), "innodbBufferPoolSize", "16M")),
              new OsAccount("root", true));
    } catch (DatastoreException e) {
      Prerequisites.require(
          !"datastore.osUser".equals(e.field()),
          "no mysql OS account here (apt-get install mariadb-server)");
      throw e;
    }
    assertThat(s.osUser()).isEqualTo("mysql");
    assertThat(ServerCommand.spec(s).command()).contains("--user=mysql");
    // the buffer pool size is in the server options file (the Galera SST script cannot pass it on)
    ServerCommand.writeServerOptions(s);
    assertThat(ServerCommand.serverOptionsFile(s))
        .content()
        .contains("innodb_buffer_pool_size=16M");
    // only the instance's own option file is read, and it must come first
    assertThat(ServerCommand.spec(s).command().get(1))
        .startsWith("--defaults-file=")
        .endsWith("coffer-parameters.cnf");
    assertThat(new DataDirInitializer(s).installCommand()).contains("--user=mysql");
  }

  @Test
  void serverIdIsStableAndInRange() {
    assertThat(ServerSettings.serverId("i-1"))
        .isEqualTo(ServerSettings.serverId("i-1"))
        .isNotEqualTo(ServerSettings.serverId("i-2"));
    // CRC-32 of "123456789" is the standard check value 0xCBF43926.
    assertThat(ServerSettings.serverId("123456789")).isEqualTo(0xCBF43926L);
    for (String id : List.of("", "db1", "x".repeat(500))) {
      assertThat(ServerSettings.serverId(id)).isBetween(1L, 0xFFFF_FFFFL);
    }
  }

  @Test
  void rejectsUnknownSettingsNamingTheKey() {
    assertInvalid(
        "datastore.settings.bufferPool",
        () ->
            ServerSettings.from(
                context("", Map.of("binDir", binDir.toString(), "bufferPool", "1G")), ALICE));
  }

  @Test
  void rejectsBadValues() {
    assertInvalid(
        "datastore.settings.innodbBufferPoolSize",
        () ->
            ServerSettings.from(
                context(
                    "",
                    Map.of(
                        "binDir",
                        binDir.toString(),
                        "innodbBufferPoolSize",
                        "16M --skip-grant-tables")),
                ALICE));
    assertInvalid(
            "datastore.settings.binDir",
            () ->
                ServerSettings.from(
                    context("", Map.of("binDir", tmp.resolve("nowhere").toString())), ALICE))
        .hasMessageContaining("no executable mariadbd");
    assertInvalid(
        "datastore.osUser",
        () -> ServerSettings.from(context("mysql", Map.of("binDir", binDir.toString())), ALICE));
    assertInvalid(
        "datastore.osUser",
        () ->
            ServerSettings.from(
                context("no-such-account-x", Map.of("binDir", binDir.toString())),
                new OsAccount("root", true)));
    DatastoreContext badPort =
        new DatastoreContext(
            "i",
            tmp.resolve("d"),
            tmp.resolve("r"),
            "127.0.0.1",
            0,
            "",
            Map.of("binDir", binDir.toString()));
    assertInvalid("datastore.port", () -> ServerSettings.from(badPort, ALICE));
    DatastoreContext longRunDir =
        new DatastoreContext(
            "i",
            tmp.resolve("d"),
            tmp.resolve("r".repeat(100)),
            "127.0.0.1",
            3306,
            "",
            Map.of("binDir", binDir.toString()));
    assertInvalid("datastore.runDir", () -> ServerSettings.from(longRunDir, ALICE));
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertInvalid(
      String field, ThrowableAssert.ThrowingCallable call) {
    return assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            DatastoreException.class,
            e -> {
              assertThat(e.code()).isEqualTo(DatastoreException.Code.INVALID_ARGUMENT);
              assertThat(e.field()).isEqualTo(field);
            });
  }

  /** Shell scripts standing in for MariaDB programs. */
  static final class FakeBinaries {
    static Path script(Path dir, String name, String body) throws IOException {
      Path file = dir.resolve(name);
      Files.writeString(file, "#!/bin/sh\n" + body + "\n");
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
      return file;
    }
  }
}
