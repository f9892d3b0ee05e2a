package io.coffer.control.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Timestamp;
import io.coffer.control.ca.CertificateAuthority;
import io.coffer.control.ca.CofferHome;
import io.coffer.proto.v1.ChangePasswordRequest;
import io.coffer.proto.v1.CommandState;
import io.coffer.proto.v1.CommandStatus;
import io.coffer.proto.v1.CreateDatabaseRequest;
import io.coffer.proto.v1.CreateUserRequest;
import io.coffer.proto.v1.Database;
import io.coffer.proto.v1.Datastore;
import io.coffer.proto.v1.DeleteUserRequest;
import io.coffer.proto.v1.EnableRootRequest;
import io.coffer.proto.v1.EnableRootResponse;
import io.coffer.proto.v1.GrantAccessRequest;
import io.coffer.proto.v1.Health;
import io.coffer.proto.v1.InstanceState;
import io.coffer.proto.v1.InstanceStatus;
import io.coffer.proto.v1.ListDatabasesRequest;
import io.coffer.proto.v1.ListDatabasesResponse;
import io.coffer.proto.v1.ListInstancesResponse;
import io.coffer.proto.v1.ListUsersResponse;
import io.coffer.proto.v1.PluginInfo;
import io.coffer.proto.v1.RevokeAccessRequest;
import io.coffer.proto.v1.Role;
import io.coffer.proto.v1.RootCredentials;
import io.coffer.proto.v1.User;
import io.grpc.Status;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands that call the control, against {@link FakeControl}. */
class ClientCommandsTest {

  @TempDir Path tmp;
  CofferHome home;
  FakeControl control;

  @BeforeEach
  void start() throws Exception {
    home = new CofferHome(tmp.resolve("coffer"));
    assertThat(Cli.run("--home", home.root().toString(), "certs", "init").exitCode()).isZero();
    control = new FakeControl(home);
  }

  @AfterEach
  void stop() throws Exception {
    control.close();
  }

  private Cli.Result coffer(String... args) {
    return cofferWithStdin("", args);
  }

  private Cli.Result cofferWithStdin(String stdin, String... args) {
    List<String> all =
        new ArrayList<>(List.of("--home", home.root().toString(), "--control", control.address()));
    all.addAll(List.of(args));
    return Cli.runWithStdin(stdin, all.toArray(String[]::new));
  }

  @Test
  void instanceListIsAnAlignedTable() {
    Instant now = Instant.now();
    control.replies.put(
        "ListInstances",
        ListInstancesResponse.newBuilder()
            .addInstances(
                InstanceStatus.newBuilder()
                    .setInstanceId("db-1")
                    .setState(InstanceState.INSTANCE_STATE_CONNECTED)
                    .setHealth(Health.HEALTH_HEALTHY)
                    .setRole(Role.ROLE_PRIMARY)
                    .setDatastore(
                        Datastore.newBuilder().setEngine("mysql").setVersion("10.11.6-MariaDB"))
                    .setLastHeartbeat(
                        Timestamp.newBuilder()
                            .setSeconds(
                                now.getEpochSecond() - 300)) // minutes: not flaky under load
                    .setCertificateSerial("1a2b")
                    .setCertificateNotAfter(Timestamp.newBuilder().setSeconds(1798761600)))
            .addInstances(
                InstanceStatus.newBuilder()
                    .setInstanceId("cache-two")
                    .setState(InstanceState.INSTANCE_STATE_UNREACHABLE))
            .build());
    Cli.Result result = coffer("instance", "list");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.err()).isEmpty();
    assertThat(result.out().lines())
        .containsExactly(
            "INSTANCE   STATE        HEALTH   ROLE     DATASTORE  VERSION          LAST-HEARTBEAT  CERT-EXPIRES",
            "db-1       connected    healthy  primary  mysql      10.11.6-MariaDB  5m ago          2027-01-01T00:00:00Z",
            "cache-two  unreachable  -        -        -          -                -               -");
    assertThat(control.callers).containsOnly("coffer://client/admin");
  }

  @Test
  void jsonOutputIsTheProtoJsonMapping() throws Exception {
    control.replies.put(
        "ListInstances",
        ListInstancesResponse.newBuilder()
            .addInstances(
                InstanceStatus.newBuilder()
                    .setInstanceId("db-1")
                    .setState(InstanceState.INSTANCE_STATE_CONNECTED))
            .build());
    Cli.Result result = coffer("instance", "list", "--json");
    JsonNode json = new ObjectMapper().readTree(result.out());
    assertThat(json.at("/instances/0/instanceId").asText()).isEqualTo("db-1");
    assertThat(json.at("/instances/0/state").asText()).isEqualTo("INSTANCE_STATE_CONNECTED");
    assertThat(json.at("/instances/0/health").asText()).isEqualTo("HEALTH_UNSPECIFIED");
  }

  @Test
  void instanceShowPrintsFields() {
    control.replies.put(
        "GetInstance",
        InstanceStatus.newBuilder()
            .setInstanceId("db-1")
            .setState(InstanceState.INSTANCE_STATE_CONNECTED)
            .setAgentVersion("0.1.0")
            .setPluginApiVersion("1.0.0")
            .addPlugins(PluginInfo.newBuilder().setId("redis").setVersion("0.1.0"))
            .addCapabilities("databases")
            .addCapabilities("users")
            .build());
    Cli.Result result = coffer("instance", "show", "db-1");
    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .contains(
            "Instance:        db-1\n",
            "State:           connected\n",
            "Agent version:   0.1.0\n",
            "Plugin API:      1.0.0\n",
            "Plugins:         redis 0.1.0\n",
            "Capabilities:    databases, users\n");
  }

  @Test
  void mutatingCommandsSendAndPrintTheirCommandId() {
    Cli.Result result =
        coffer(
            "database",
            "create",
            "db-1",
            "shop",
            "--character-set",
            "utf8mb4",
            "--command-id",
            "retry-me-1",
            "--timeout",
            "45s");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo("Created database 'shop' on db-1 (command-id retry-me-1)\n");
    CreateDatabaseRequest sent = control.last(CreateDatabaseRequest.class);
    assertThat(sent.getInstanceId()).isEqualTo("db-1");
    assertThat(sent.getDatabase())
        .isEqualTo(Database.newBuilder().setName("shop").setCharacterSet("utf8mb4").build());
    assertThat(sent.getOptions().getCommandId()).isEqualTo("retry-me-1");
    assertThat(sent.getOptions().getTimeoutMillis()).isEqualTo(45_000);

    result = coffer("database", "delete", "db-1", "shop");
    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .matches("Deleted database 'shop' from db-1 \\(command-id [0-9a-f-]{36}\\)\n");
  }

  @Test
  void readOnlyCommandsSendNoCommandId() {
    control.replies.put(
        "ListDatabases",
        ListDatabasesResponse.newBuilder()
            .addDatabases(
                Database.newBuilder()
                    .setName("shop")
                    .setCharacterSet("utf8mb4")
                    .setCollation("utf8mb4_unicode_ci"))
            .addDatabases(Database.newBuilder().setName("x"))
            .build());
    Cli.Result result = coffer("database", "list", "db-1");
    assertThat(result.out().lines())
        .containsExactly(
            "NAME  CHARACTER-SET  COLLATION",
            "shop  utf8mb4        utf8mb4_unicode_ci",
            "x     -              -");
    ListDatabasesRequest sent = control.last(ListDatabasesRequest.class);
    assertThat(sent.getOptions().getCommandId()).isEmpty();
    assertThat(sent.getOptions().getTimeoutMillis()).isZero();
  }

  @Test
  void userCreateReadsThePasswordFromStdinOrAFile() throws Exception {
    Cli.Result result =
        cofferWithStdin(
            "s3cret pass\n",
            "user",
            "create",
            "db-1",
            "bob",
            "--password-stdin",
            "--host",
            "10.%",
            "-d",
            "shop,orders",
            "--database",
            "logs");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    CreateUserRequest sent = control.last(CreateUserRequest.class);
    assertThat(sent.getName()).isEqualTo("bob");
    assertThat(sent.getPassword()).isEqualTo("s3cret pass");
    assertThat(sent.getHost()).isEqualTo("10.%");
    assertThat(sent.getDatabasesList()).containsExactly("shop", "orders", "logs");
    assertThat(result.out())
        .startsWith(
            "Created user 'bob'@'10.%' on db-1 with access to shop, orders, logs (command-id ");
    assertThat(result.out()).doesNotContain("s3cret");

    Path file = Files.writeString(tmp.resolve("pw"), "from-file\r\nsecond line ignored\n");
    result = coffer("user", "password", "db-1", "bob", "--password-file", file.toString());
    assertThat(result.exitCode()).isZero();
    assertThat(control.last(ChangePasswordRequest.class).getPassword()).isEqualTo("from-file");

    result = coffer("user", "password", "db-1", "bob", "--password", "visible-in-ps");
    assertThat(result.exitCode()).isZero();
    assertThat(control.last(ChangePasswordRequest.class).getPassword()).isEqualTo("visible-in-ps");
  }

  @Test
  void userCreateWithoutAPasswordOrTerminalIsAUsageError() {
    int before = control.requests.size();
    Cli.Result result = coffer("user", "create", "db-1", "bob");
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).startsWith("coffer: no password given: use --password-file");
    result = cofferWithStdin("\n", "user", "create", "db-1", "bob", "--password-stdin");
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).isEqualTo("coffer: the password is empty\n");
    assertThat(control.requests).hasSize(before);
  }

  @Test
  void userListGrantRevokeDelete() {
    control.replies.put(
        "ListUsers",
        ListUsersResponse.newBuilder()
            .addUsers(
                User.newBuilder()
                    .setName("bob")
                    .setHost("%")
                    .addDatabases("shop")
                    .addDatabases("logs"))
            .build());
    assertThat(coffer("user", "list", "db-1").out().lines())
        .containsExactly("NAME  HOST  DATABASES", "bob   %     shop,logs");

    assertThat(coffer("user", "grant", "db-1", "bob", "--database", "a", "-d", "b").exitCode())
        .isZero();
    assertThat(control.last(GrantAccessRequest.class).getDatabasesList()).containsExactly("a", "b");
    assertThat(coffer("user", "revoke", "db-1", "bob", "--database", "a").exitCode()).isZero();
    assertThat(control.last(RevokeAccessRequest.class).getDatabasesList()).containsExactly("a");
    assertThat(coffer("user", "delete", "db-1", "bob", "--host", "%").exitCode()).isZero();
    assertThat(control.last(DeleteUserRequest.class).getHost()).isEqualTo("%");
  }

  @Test
  void enableRootGeneratesThePasswordSendsItAndPrintsIt() {
    control.replies.put(
        "EnableRoot",
        EnableRootResponse.newBuilder()
            .setCommandId("c-9")
            .setCredentials(RootCredentials.newBuilder().setName("root"))
            .build());
    Cli.Result result = coffer("user", "enable-root", "db-1");
    assertThat(result.exitCode()).isZero();
    String sent = control.last(EnableRootRequest.class).getPassword();
    assertThat(sent).matches("[A-Za-z0-9_-]{32}");
    assertThat(result.out())
        .isEqualTo(
            "Enabled root on db-1 (command-id c-9):\n  user:      root\n  password:  "
                + sent
                + "\n");
    assertThat(coffer("user", "enable-root", "db-1").exitCode()).isZero();
    assertThat(control.last(EnableRootRequest.class).getPassword())
        .as("a new one each time")
        .isNotEqualTo(sent);
  }

  @Test
  void enableRootTakesAGivenPasswordAndDoesNotPrintIt() {
    control.replies.put(
        "EnableRoot",
        EnableRootResponse.newBuilder()
            .setCommandId("c-9")
            .setCredentials(RootCredentials.newBuilder().setName("root"))
            .build());
    Cli.Result result =
        cofferWithStdin("my-Own-root-pw\n", "user", "enable-root", "db-1", "--password-stdin");
    assertThat(result.exitCode()).isZero();
    assertThat(control.last(EnableRootRequest.class).getPassword()).isEqualTo("my-Own-root-pw");
    assertThat(result.out()).doesNotContain("my-Own-root-pw").contains("(the one given)");
  }

  @Test
  void configSetRefusesAParameterNamedTwiceBeforeSendingAnything() {
    Cli.Result twice =
        coffer(
            "config",
            "set",
            "db-1",
            "wait_timeout=10",
            "max_allowed_packet=64M",
            "WAIT_TIMEOUT=20");
    assertThat(twice.exitCode()).isEqualTo(2);
    assertThat(twice.err())
        .contains(
            "Parameter 'WAIT_TIMEOUT' is named twice ('wait_timeout=10' and 'WAIT_TIMEOUT=20')");
    Cli.Result setAndReset =
        coffer("config", "set", "db-1", "wait_timeout=10", "--reset", "wait_timeout");
    assertThat(setAndReset.exitCode()).isEqualTo(2);
    assertThat(setAndReset.err()).contains("named twice");
    assertThat(control.requests).isEmpty();
  }

  @Test
  void commandShowOfACancelledCommandSaysCancelled() {
    control.replies.put(
        "GetCommand",
        CommandStatus.newBuilder()
            .setCommandId("c-2")
            .setInstanceId("db-1")
            .setOperation("create_backup")
            .setState(CommandState.COMMAND_STATE_CANCELLED)
            .setErrorCode("CANCELLED")
            .setErrorMessage("cancelled by the control")
            .build());
    Cli.Result result = coffer("command", "show", "c-2");
    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).contains("State:      cancelled").doesNotContain("failed");
  }

  @Test
  void aClientCertificateFromAnotherCaIsNamedAsTheCause() throws Exception {
    // the control's CA is trusted, but the client certificate comes from another CA
    CertificateAuthority other =
        CertificateAuthority.create(tmp.resolve("other/ca.pem"), tmp.resolve("other/ca.key"));
    Files.delete(home.clientCert("admin"));
    Files.delete(home.clientKey("admin"));
    other.issueClient(
        "admin", Duration.ofDays(1), home.clientCert("admin"), home.clientKey("admin"));
    Cli.Result result = coffer("instance", "list");
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .contains("refused this client's certificate")
        .contains("not issued by the CA in " + home.caCert())
        .contains(home.clientCert("admin").toString())
        .doesNotContain("is the control's certificate issued");
    assertThat(control.requests).isEmpty();
  }

  @Test
  void commandShowPrintsStateAndError() {
    control.replies.put(
        "GetCommand",
        CommandStatus.newBuilder()
            .setCommandId("c-1")
            .setInstanceId("db-1")
            .setOperation("create_database")
            .setState(CommandState.COMMAND_STATE_FAILED)
            .setCreated(Timestamp.newBuilder().setSeconds(1_700_000_000))
            .setErrorCode("ALREADY_EXISTS")
            .setErrorMessage("database 'shop' exists")
            .build());
    Cli.Result result = coffer("command", "show", "c-1");
    assertThat(result.exitCode()).isZero();
    assertThat(result.out().lines())
        .containsExactly(
            "Command:    c-1",
            "Instance:   db-1",
            "Operation:  create_database",
            "State:      failed",
            "Created:    2023-11-14T22:13:20Z",
            "Finished:   -",
            "Error:      ALREADY_EXISTS: database 'shop' exists");
  }

  @Test
  void statusCodesBecomeExitCodesAndOneLine() {
    control.errors.put(
        "GetCommand", Status.NOT_FOUND.withDescription("no command 'x'").asRuntimeException());
    Cli.Result result = coffer("command", "show", "x");
    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.err()).isEqualTo("coffer: NOT_FOUND: no command 'x'\n");
    assertThat(result.out()).isEmpty();

    control.errors.put(
        "CreateDatabase",
        Status.INVALID_ARGUMENT.withDescription("database.name: too long").asRuntimeException());
    result = coffer("database", "create", "db-1", "x", "--command-id", "c-2");
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).isEqualTo("coffer: INVALID_ARGUMENT: database.name: too long\n");

    control.errors.put(
        "CreateDatabase",
        Status.ALREADY_EXISTS.withDescription("database 'x' exists").asRuntimeException());
    result = coffer("database", "create", "db-1", "x", "--command-id", "c-3");
    assertThat(result.exitCode()).isEqualTo(4);
    assertThat(result.err())
        .isEqualTo("coffer: ALREADY_EXISTS: database 'x' exists (command-id c-3)\n");

    control.errors.put(
        "CreateDatabase",
        Status.UNAVAILABLE.withDescription("agent db-1 is not connected").asRuntimeException());
    result = coffer("database", "create", "db-1", "x", "--command-id", "c-4");
    assertThat(result.exitCode()).isEqualTo(5);
    assertThat(result.err())
        .isEqualTo(
            "coffer: UNAVAILABLE: agent db-1 is not connected "
                + "(command-id c-4; retry with --command-id c-4 to avoid applying it twice)\n");

    control.errors.put(
        "ListInstances",
        Status.PERMISSION_DENIED
            .withDescription("agent certificates cannot call")
            .asRuntimeException());
    result = coffer("instance", "list");
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo("coffer: PERMISSION_DENIED: agent certificates cannot call\n");
  }

  @Test
  void bearerTokenReplacesTheClientCertificate() throws Exception {
    Files.delete(home.clientCert("admin"));
    Files.delete(home.clientKey("admin"));
    Cli.Result result =
        coffer("--token", "t0k3n-0123456789-0123456789-0123456789", "instance", "list");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(control.callers).containsExactly("Bearer t0k3n-0123456789-0123456789-0123456789");
  }

  @Test
  void anotherClientIdentityCanBeChosen() {
    assertThat(
            Cli.run("--home", home.root().toString(), "certs", "issue", "--client", "ops")
                .exitCode())
        .isZero();
    assertThat(coffer("--client", "ops", "instance", "list").exitCode()).isZero();
    assertThat(coffer("instance", "list", "--client", "ops").exitCode()).isZero();
    assertThat(control.callers).containsExactly("coffer://client/ops", "coffer://client/ops");
  }

  @Test
  void noControlRunningSaysSo() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Cli.Result result =
        Cli.run(
            "--home", home.root().toString(), "--control", "127.0.0.1:" + port, "instance", "list");
    assertThat(result.exitCode()).isEqualTo(5);
    assertThat(result.err())
        .startsWith("coffer: UNAVAILABLE: cannot connect to 127.0.0.1:" + port)
        .endsWith("is the control running at 127.0.0.1:" + port + "?\n");
    assertThat(result.err().lines()).hasSize(1);

    result =
        Cli.run(
            "--home",
            home.root().toString(),
            "--control",
            "127.0.0.1:" + port,
            "database",
            "create",
            "db-1",
            "shop",
            "--command-id",
            "c-5");
    assertThat(result.exitCode()).isEqualTo(5);
    assertThat(result.err())
        .endsWith("is the control running at 127.0.0.1:" + port + "?\n"); // no retry advice
  }

  @Test
  void aControlWithACertificateOfAnotherCaIsRefused() throws Exception {
    CofferHome other = new CofferHome(tmp.resolve("other"));
    assertThat(Cli.run("--home", other.root().toString(), "certs", "init").exitCode()).isZero();
    Cli.Result result =
        Cli.run(
            "--home",
            home.root().toString(),
            "--ca-file",
            other.caCert().toString(),
            "--control",
            control.address(),
            "instance",
            "list");
    assertThat(result.exitCode()).isEqualTo(5);
    assertThat(result.err())
        .startsWith("coffer: UNAVAILABLE: TLS with " + control.address() + " failed: ");
    assertThat(result.err().lines()).hasSize(1);
  }
}
