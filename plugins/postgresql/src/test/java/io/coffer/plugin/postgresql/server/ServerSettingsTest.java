package io.coffer.plugin.postgresql.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.plugin.kit.OsAccount;
import io.coffer.plugin.kit.ServerUser;
import io.coffer.plugin.postgresql.Tools;
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
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings, the server command line, initdb's and the access files, without a server. */
class ServerSettingsTest {

  @TempDir Path dir;
  private Path binDir;
  private final OsAccount notRoot = new OsAccount("coffer", false);

  @BeforeEach
  void fakeBinaries() throws IOException {
    binDir = Files.createDirectories(dir.resolve("bin"));
    for (String program : List.of("postgres", "initdb")) {
      Files.createFile(
          binDir.resolve(program),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    }
  }

  private DatastoreContext context(Map<String, String> settings) {
    return new DatastoreContext(
        "db1", dir.resolve("data"), dir.resolve("run"), "127.0.0.1", 5432, "", settings);
  }

  private ServerSettings settings() {
    return ServerSettings.from(context(Map.of("binDir", binDir.toString())), notRoot);
  }

  @Test
  void theServerCommandPinsEverythingThePluginReliesOn() {
    ServerSettings s = settings();
    ProcessSpec spec = ServerCommand.spec(s);
    assertThat(spec.command())
        .startsWith(binDir.resolve("postgres").toString(), "-D", dir.resolve("data").toString());
    assertThat(String.join(" ", spec.command()))
        .contains(
            "-c listen_addresses=127.0.0.1",
            "-c port=5432",
            "-c unix_socket_directories=" + dir.resolve("run"),
            "-c unix_socket_permissions=0700",
            "-c hba_file=" + dir.resolve("run/pg_hba.conf"),
            "-c ident_file=" + dir.resolve("run/pg_ident.conf"),
            "-c password_encryption=scram-sha-256",
            "-c shared_buffers=128MB",
            "-c max_connections=100",
            "-c wal_level=replica");
    assertThat(spec.pidFile()).isEqualTo(dir.resolve("data/postmaster.pid"));
    assertThat(spec.logFile()).isEqualTo(dir.resolve("run/postgres.log"));
    assertThat(s.socket()).isEqualTo(dir.resolve("run/.s.PGSQL.5432"));
  }

  @Test
  void asRootTheServerAndInitdbRunAsThePostgresAccountThroughSetpriv() {
    ServerSettings s =
        new ServerSettings(
            binDir,
            dir.resolve("data"),
            dir.resolve("run"),
            "127.0.0.1",
            5432,
            new ServerUser("postgres", 101, 104, Path.of("/usr/bin/setpriv")),
            "root",
            "128MB",
            100,
            Duration.ofMinutes(5));
    List<String> setpriv =
        List.of(
            "/usr/bin/setpriv",
            "--reuid=101",
            "--regid=104",
            "--init-groups",
            "--inh-caps=-all",
            "--no-new-privs",
            "--");
    assertThat(ServerCommand.spec(s).command())
        .startsWith(setpriv.toArray(String[]::new))
        .contains(binDir.resolve("postgres").toString());
    assertThat(new DataDirInitializer(s).initdbCommand())
        .startsWith(setpriv.toArray(String[]::new))
        .contains(
            binDir.resolve("initdb").toString(),
            "--pgdata=" + dir.resolve("data"),
            "--username=coffer_admin",
            "--auth-local=peer",
            "--auth-host=scram-sha-256",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--data-checksums");
  }

  @Test
  void theAccessFilesLetOnlyTheAgentsAccountInAsAdminOverTheSocket() {
    String hba = AccessFiles.hba();
    List<String> rules =
        hba.lines()
            .filter(l -> !l.startsWith("#"))
            .map(l -> String.join(" ", l.trim().split("\\s+")))
            .toList();
    assertThat(rules)
        .containsExactly(
            "local all coffer_admin peer map=coffer",
            "local replication coffer_admin peer map=coffer",
            "host all coffer_admin all reject",
            "host replication coffer_repl all scram-sha-256",
            "host replication all all reject",
            "host all all all scram-sha-256");
    assertThat(AccessFiles.ident("root").lines().filter(l -> !l.startsWith("#")).map(String::trim))
        .containsExactly("coffer  root  coffer_admin");
  }

  @Test
  void settingsAreValidatedNamingTheField() {
    expect(
        "datastore.settings.innodbBufferPoolSize",
        () ->
            ServerSettings.from(
                context(Map.of("binDir", binDir.toString(), "innodbBufferPoolSize", "1G")),
                notRoot));
    expect(
        "datastore.settings.sharedBuffers",
        () ->
            ServerSettings.from(
                context(Map.of("binDir", binDir.toString(), "sharedBuffers", "128MB; rm -rf /")),
                notRoot));
    expect(
        "datastore.settings.maxConnections",
        () ->
            ServerSettings.from(
                context(Map.of("binDir", binDir.toString(), "maxConnections", "0")), notRoot));
    expect(
        "datastore.settings.binDir",
        () -> ServerSettings.from(context(Map.of("binDir", dir.toString())), notRoot));
    expect(
        "datastore.bindAddress",
        () ->
            ServerSettings.from(
                new DatastoreContext(
                    "db1",
                    dir.resolve("data"),
                    dir.resolve("run"),
                    "127.0.0.1,0.0.0.0",
                    5432,
                    "",
                    Map.of("binDir", binDir.toString())),
                notRoot));
    expect(
        "datastore.runDir",
        () ->
            ServerSettings.from(
                new DatastoreContext(
                    "db1",
                    dir.resolve("data"),
                    dir.resolve("r".repeat(100)),
                    "127.0.0.1",
                    5432,
                    "",
                    Map.of("binDir", binDir.toString())),
                notRoot));
    expect(
        "datastore.osUser",
        () ->
            ServerSettings.from(
                new DatastoreContext(
                    "db1",
                    dir.resolve("data"),
                    dir.resolve("run"),
                    "127.0.0.1",
                    5432,
                    "postgres",
                    Map.of("binDir", binDir.toString())),
                notRoot));
  }

  @Test
  void theServerUserIsLookedUpAndRootIsRefused() {
    if (!Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
      return;
    }
    assertThatThrownBy(() -> ServerUser.lookup("root", Tools.ENV))
        .isInstanceOf(DatastoreException.class)
        .hasMessageContaining("must run as another account");
    assertThatThrownBy(() -> ServerUser.lookup("no-such-account-here", Tools.ENV))
        .isInstanceOf(DatastoreException.class)
        .hasMessageContaining("no OS account");
  }

  private static void expect(String field, ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            DatastoreException.class,
            e -> {
              assertThat(e.code())
                  .as(e.getMessage())
                  .isEqualTo(DatastoreException.Code.INVALID_ARGUMENT);
              assertThat(e.field()).as(e.getMessage()).isEqualTo(field);
            });
  }
}
