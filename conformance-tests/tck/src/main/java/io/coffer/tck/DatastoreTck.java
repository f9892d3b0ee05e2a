package io.coffer.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.coffer.agent.Agent;
import io.coffer.proto.v1.ChangePasswordRequest;
import io.coffer.proto.v1.CommandOptions;
import io.coffer.proto.v1.CommandState;
import io.coffer.proto.v1.CreateDatabaseRequest;
import io.coffer.proto.v1.CreateUserRequest;
import io.coffer.proto.v1.Database;
import io.coffer.proto.v1.DeleteDatabaseRequest;
import io.coffer.proto.v1.DeleteUserRequest;
import io.coffer.proto.v1.EnableRootRequest;
import io.coffer.proto.v1.FlushLogArchiveRequest;
import io.coffer.proto.v1.GetCommandRequest;
import io.coffer.proto.v1.GrantAccessRequest;
import io.coffer.proto.v1.InstanceStatus;
import io.coffer.proto.v1.ListDatabasesRequest;
import io.coffer.proto.v1.ListUsersRequest;
import io.coffer.proto.v1.RevokeAccessRequest;
import io.coffer.proto.v1.User;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pf4j.PluginClassLoader;

/**
 * The engine-agnostic suite: lifecycle, databases, users, bad names, idempotency. Every call goes
 * through the northbound API to a real control, over mTLS to a real agent that loaded the plugin
 * with PF4J and supervises a real server; outcomes are checked by connecting to that server as an
 * ordinary client.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class DatastoreTck extends TckSuite {
  private static final String PASSWORD = "S3cret-pass-word";

  protected Testbed bed;
  protected Agent agent;
  protected DatastoreProvider provider;
  protected DataPlane data;
  protected String instance;

  @BeforeAll
  void startInstance() throws Exception {
    provider = provider();
    // traversable (0755): the datastore runs as its own OS user and must reach its directories
    Path work =
        Files.createTempDirectory(
            "coffer-tck-" + provider.engine(),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    bed = Testbed.start(work);
    instance = "tck-" + provider.engine();
    int port = Ports.free();
    agent =
        bed.startAgent(
            bed.agentConfig(
                instance,
                provider.pluginsDir(),
                provider.datastore(work.resolve("instance"), port)));
    declare(bed.awaitHealthy(instance, Duration.ofSeconds(90)), Area.LIFECYCLE);
    data = provider.dataPlane(port);
  }

  @AfterAll
  void stopInstance() {
    if (bed != null) {
      bed.close();
    }
  }

  // ---- lifecycle ----

  @Test
  void instanceIsConnectedHealthyAndReportsItsDatastore() throws Exception {
    InstanceStatus status = bed.awaitHealthy(instance, Duration.ofSeconds(10));
    assertThat(status.getDatastore().getEngine()).isEqualTo(provider.engine());
    assertThat(status.getDatastore().getVersion()).isNotBlank();
    assertThat(Declared.of(status))
        .isEqualTo(declared()); // what it declares does not change while it runs
    assertThat(status.hasLastHeartbeat()).isTrue();
  }

  @Test
  void pluginIsLoadedByPf4jFromThePluginsDirectoryNotTheClasspath() {
    Class<?> manager = agent.datastoreManager().getClass();
    assertThat(manager.getClassLoader()).isInstanceOf(PluginClassLoader.class);
    assertThatThrownBy(
            () -> Class.forName(manager.getName(), false, DatastoreTck.class.getClassLoader()))
        .isInstanceOf(ClassNotFoundException.class);
  }

  // ---- databases ----

  @Test
  @Checks(Area.DATABASES)
  void databaseIsCreatedListedAndDeleted() {
    if (!provider.namedDatabases()) {
      assertThat(databaseNames()).isNotEmpty();
      assertThat(code(() -> createDatabase(unique("db")))).isEqualTo(Status.Code.UNIMPLEMENTED);
      assertThat(
              code(
                  () ->
                      bed.databases()
                          .deleteDatabase(
                              DeleteDatabaseRequest.newBuilder()
                                  .setInstanceId(instance)
                                  .setName(databaseNames().get(0))
                                  .build())))
          .isEqualTo(Status.Code.UNIMPLEMENTED);
      return;
    }
    String db = unique("db");
    createDatabase(db);
    assertThat(databaseNames()).contains(db);

    bed.databases()
        .deleteDatabase(
            DeleteDatabaseRequest.newBuilder().setInstanceId(instance).setName(db).build());
    assertThat(databaseNames()).doesNotContain(db);
  }

  @Test
  @Checks(Area.DATABASES)
  void creatingAnExistingDatabaseIsAlreadyExists() {
    Assumptions.assumeTrue(provider.namedDatabases(), "databases are fixed");
    String db = unique("dup");
    createDatabase(db);
    assertThat(code(() -> createDatabase(db))).isEqualTo(Status.Code.ALREADY_EXISTS);
  }

  @Test
  @Checks(Area.DATABASES)
  void deletingAMissingDatabaseIsNotFound() {
    Assumptions.assumeTrue(provider.namedDatabases(), "databases are fixed");
    assertThat(
            code(
                () ->
                    bed.databases()
                        .deleteDatabase(
                            DeleteDatabaseRequest.newBuilder()
                                .setInstanceId(instance)
                                .setName(unique("missing"))
                                .build())))
        .isEqualTo(Status.Code.NOT_FOUND);
  }

  // ---- users ----

  @Test
  @Checks(Area.USERS)
  void userCreatedWithAccessCanWriteAndRead() throws Exception {
    String db = accessibleDatabase("app");
    String user = unique("u");
    createUser(user, PASSWORD, db);

    assertThat(data.writeAndRead(user, PASSWORD, db, "hello")).isEqualTo("hello");
    assertThat(users())
        .anySatisfy(
            u -> {
              assertThat(u.getName()).isEqualTo(user);
              if (provider.namedDatabases()) {
                assertThat(u.getDatabasesList()).contains(db);
              }
            });
  }

  @Test
  @Checks(Area.USERS)
  void grantAndRevokeChangeWhatTheUserCanUse() {
    if (!provider.namedDatabases()) {
      String user = unique("u");
      createUser(user, PASSWORD);
      assertThat(
              code(
                  () ->
                      bed.users()
                          .grantAccess(
                              GrantAccessRequest.newBuilder()
                                  .setInstanceId(instance)
                                  .setName(user)
                                  .addDatabases(databaseNames().get(0))
                                  .build())))
          .isEqualTo(Status.Code.UNIMPLEMENTED);
      return;
    }
    String db = unique("g");
    String user = unique("u");
    createDatabase(db);
    createUser(user, PASSWORD);
    assertThat(data.canUse(user, PASSWORD, db)).isFalse();

    bed.users()
        .grantAccess(
            GrantAccessRequest.newBuilder()
                .setInstanceId(instance)
                .setName(user)
                .addDatabases(db)
                .build());
    assertThat(data.canUse(user, PASSWORD, db)).isTrue();

    bed.users()
        .revokeAccess(
            RevokeAccessRequest.newBuilder()
                .setInstanceId(instance)
                .setName(user)
                .addDatabases(db)
                .build());
    assertThat(data.canUse(user, PASSWORD, db)).isFalse();
  }

  @Test
  @Checks(Area.USERS)
  void changedPasswordReplacesTheOldOne() {
    String db = accessibleDatabase("p");
    String user = unique("u");
    createUser(user, PASSWORD, db);

    bed.users()
        .changePassword(
            ChangePasswordRequest.newBuilder()
                .setInstanceId(instance)
                .setName(user)
                .setPassword("An0ther-password")
                .build());
    assertThat(data.canUse(user, "An0ther-password", db)).isTrue();
    assertThat(data.canUse(user, PASSWORD, db)).isFalse();
  }

  @Test
  @Checks(Area.USERS)
  void deletedUserCanNoLongerLogIn() {
    String db = accessibleDatabase("d");
    String user = unique("u");
    createUser(user, PASSWORD, db);
    bed.users()
        .deleteUser(DeleteUserRequest.newBuilder().setInstanceId(instance).setName(user).build());

    assertThat(data.canUse(user, PASSWORD, db)).isFalse();
    assertThat(users()).noneMatch(u -> u.getName().equals(user));
  }

  @Test
  @Checks(Area.ROOT)
  void enabledRootCanUseEveryDatabaseWithTheCallersPasswordAndEnablingAgainSetsANewOne()
      throws Exception {
    String db = accessibleDatabase("r");
    RootLogin first = bed.enableRoot(instance);
    assertThat(data.writeAndRead(first.name(), first.password(), db, "root")).isEqualTo("root");

    RootLogin second = bed.enableRoot(instance);
    assertThat(second.name()).isEqualTo(first.name());
    assertThat(second.password()).isNotEqualTo(first.password());
    assertThat(data.canUse(second.name(), second.password(), db)).isTrue();
    assertThat(data.canUse(first.name(), first.password(), db)).as("the old password").isFalse();
  }

  @Test
  @Checks(Area.ROOT)
  void enableRootWithoutAPasswordIsRefusedNamingIt() {
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                bed.users()
                    .enableRoot(EnableRootRequest.newBuilder().setInstanceId(instance).build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains("password");
  }

  @Test
  @Checks(Area.USERS)
  void creatingAUserForAMissingDatabaseLeavesNothingBehind() {
    String user = unique("u");
    Status.Code expected =
        provider.namedDatabases() ? Status.Code.NOT_FOUND : Status.Code.INVALID_ARGUMENT;
    assertThat(
            code(
                () ->
                    bed.users()
                        .createUser(
                            CreateUserRequest.newBuilder()
                                .setInstanceId(instance)
                                .setName(user)
                                .setPassword(PASSWORD)
                                .addDatabases(unique("nodb"))
                                .build())))
        .isEqualTo(expected);
    assertThat(users()).noneMatch(u -> u.getName().equals(user));
  }

  // ---- secrets at rest ----

  @Test
  @Checks(Area.USERS)
  void passwordsAreInNoFileOnceTheirCommandsFinished() throws Exception {
    String db = accessibleDatabase("sec");
    String user = unique("u");
    String created = "Created-" + UUID.randomUUID();
    String changed = "Changed-" + UUID.randomUUID();
    createUser(user, created, db);
    bed.users()
        .changePassword(
            ChangePasswordRequest.newBuilder()
                .setInstanceId(instance)
                .setName(user)
                .setPassword(changed)
                .build());
    RootLogin root = bed.enableRoot(instance);
    assertThat(data.canUse(user, changed, db)).isTrue();
    assertThat(data.canUse(root.name(), root.password(), db)).isTrue();
    if (declared().pointInTime()) {
      // binary logs / WAL closed and archived too: the archive is scanned as well
      bed.backups()
          .flushLogArchive(FlushLogArchiveRequest.newBuilder().setInstanceId(instance).build());
    }
    Thread.sleep(
        3000); // the control truncates its journal's log within about a second of going idle

    // the control's state, the agent's state, the data directory (binary logs, WAL, AOF), backups
    // and logs
    assertThat(FileScan.filesHolding(bed.root(), List.of(created, changed, root.password())))
        .isEmpty();
  }

  // ---- bad input ----

  List<String> badDatabaseNames() {
    return provider.badDatabaseNames();
  }

  List<String> badUserNames() {
    return provider.badUserNames();
  }

  @ParameterizedTest
  @MethodSource("badDatabaseNames")
  @Checks(Area.DATABASES)
  void badDatabaseNameIsRefusedAndNothingChanges(String name) {
    Assumptions.assumeTrue(provider.namedDatabases(), "databases are fixed");
    List<String> before = databaseNames();
    StatusRuntimeException e =
        catchThrowableOfType(StatusRuntimeException.class, () -> createDatabase(name));
    assertThat(e).as("creating database %s", name).isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains("name");
    assertThat(databaseNames()).isEqualTo(before);
  }

  @ParameterizedTest
  @MethodSource("badUserNames")
  @Checks(Area.USERS)
  void badUserNameIsRefusedAndNothingChanges(String name) {
    List<User> before = users();
    StatusRuntimeException e =
        catchThrowableOfType(StatusRuntimeException.class, () -> createUser(name, PASSWORD));
    assertThat(e).as("creating user %s", name).isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains("name");
    assertThat(users()).isEqualTo(before);
  }

  @Test
  @Checks(Area.USERS)
  void missingFieldsAreRefusedNamingTheField() {
    assertThat(
            description(
                () ->
                    bed.databases()
                        .createDatabase(
                            CreateDatabaseRequest.newBuilder().setInstanceId(instance).build())))
        .contains("database.name");
    assertThat(
            description(
                () ->
                    bed.databases()
                        .createDatabase(
                            CreateDatabaseRequest.newBuilder()
                                .setDatabase(Database.newBuilder().setName("x"))
                                .build())))
        .contains("instance_id");
    assertThat(
            description(
                () ->
                    bed.users()
                        .createUser(
                            CreateUserRequest.newBuilder()
                                .setInstanceId(instance)
                                .setName("nopass")
                                .build())))
        .contains("password");
    assertThat(
            description(
                () ->
                    bed.users()
                        .grantAccess(
                            GrantAccessRequest.newBuilder()
                                .setInstanceId(instance)
                                .setName("x")
                                .build())))
        .contains("databases");
    assertThat(
            description(
                () ->
                    bed.databases()
                        .createDatabase(
                            CreateDatabaseRequest.newBuilder()
                                .setInstanceId(instance)
                                .setOptions(
                                    CommandOptions.newBuilder().setCommandId("bad id; drop"))
                                .setDatabase(Database.newBuilder().setName("x"))
                                .build())))
        .contains("options.command_id");
  }

  @Test
  void unknownInstanceIsNotFound() {
    assertThat(
            code(
                () ->
                    bed.databases()
                        .listDatabases(
                            ListDatabasesRequest.newBuilder()
                                .setInstanceId("no-such-instance")
                                .build())))
        .isEqualTo(Status.Code.NOT_FOUND);
  }

  // ---- idempotency ----

  @Test
  @Checks(Area.DATABASES)
  void theSameCommandIdTakesEffectOnce() {
    Assumptions.assumeTrue(
        provider.namedDatabases(), "databases are fixed (the configuration suite checks this too)");
    String db = unique("idem");
    String commandId = UUID.randomUUID().toString();
    CreateDatabaseRequest request =
        CreateDatabaseRequest.newBuilder()
            .setInstanceId(instance)
            .setOptions(CommandOptions.newBuilder().setCommandId(commandId))
            .setDatabase(Database.newBuilder().setName(db))
            .build();
    bed.databases().createDatabase(request);
    // a retry with the same id returns the first outcome instead of ALREADY_EXISTS
    assertThat(bed.databases().createDatabase(request).getCommandId()).isEqualTo(commandId);
    assertThat(databaseNames()).containsOnlyOnce(db);
    assertThat(
            bed.commands()
                .getCommand(GetCommandRequest.newBuilder().setCommandId(commandId).build())
                .getState())
        .isEqualTo(CommandState.COMMAND_STATE_SUCCEEDED);

    // the same id for another operation is refused
    assertThat(
            code(
                () ->
                    bed.databases()
                        .deleteDatabase(
                            DeleteDatabaseRequest.newBuilder()
                                .setInstanceId(instance)
                                .setOptions(CommandOptions.newBuilder().setCommandId(commandId))
                                .setName(db)
                                .build())))
        .isEqualTo(Status.Code.ALREADY_EXISTS);
    assertThat(databaseNames()).contains(db);
  }

  @Test
  @Checks(Area.DATABASES)
  void aCommandIdReusedForTheSameOperationWithOtherParametersIsRefusedAndChangesNothing() {
    Assumptions.assumeTrue(provider.namedDatabases(), "databases are fixed");
    String first = unique("same");
    String other = unique("other");
    String commandId = UUID.randomUUID().toString();
    bed.databases()
        .createDatabase(
            CreateDatabaseRequest.newBuilder()
                .setInstanceId(instance)
                .setOptions(CommandOptions.newBuilder().setCommandId(commandId))
                .setDatabase(Database.newBuilder().setName(first))
                .build());

    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                bed.databases()
                    .createDatabase(
                        CreateDatabaseRequest.newBuilder()
                            .setInstanceId(instance)
                            .setOptions(CommandOptions.newBuilder().setCommandId(commandId))
                            .setDatabase(Database.newBuilder().setName(other))
                            .build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
    assertThat(e.getStatus().getDescription()).contains(commandId).contains("different request");
    assertThat(databaseNames()).contains(first).doesNotContain(other);
  }

  @Test
  @Checks(Area.USERS)
  void aPasswordChangeRetriedWithAnotherPasswordIsRefusedAndTheFirstPasswordStays() {
    String db = accessibleDatabase("pw");
    String user = unique("u");
    createUser(user, PASSWORD, db);
    String commandId = UUID.randomUUID().toString();
    ChangePasswordRequest.Builder change =
        ChangePasswordRequest.newBuilder()
            .setInstanceId(instance)
            .setName(user)
            .setOptions(CommandOptions.newBuilder().setCommandId(commandId));
    bed.users().changePassword(change.setPassword("First-new-pass-1").build());
    assertThat(bed.users().changePassword(change.build()).getCommandId())
        .as("the same request again")
        .isEqualTo(commandId);

    assertThat(
            code(() -> bed.users().changePassword(change.setPassword("Second-new-pass-2").build())))
        .isEqualTo(Status.Code.ALREADY_EXISTS);
    assertThat(data.canUse(user, "First-new-pass-1", db)).isTrue();
    assertThat(data.canUse(user, "Second-new-pass-2", db)).isFalse();
  }

  @Test
  @Checks(Area.USERS)
  void aUserCreateRetriedWithOtherGrantsIsRefused() {
    Assumptions.assumeTrue(provider.namedDatabases(), "databases are fixed");
    String a = accessibleDatabase("ga");
    String b = accessibleDatabase("gb");
    String user = unique("u");
    String commandId = UUID.randomUUID().toString();
    CreateUserRequest.Builder create =
        CreateUserRequest.newBuilder()
            .setInstanceId(instance)
            .setName(user)
            .setPassword(PASSWORD)
            .setOptions(CommandOptions.newBuilder().setCommandId(commandId))
            .addDatabases(a);
    bed.users().createUser(create.build());
    assertThat(code(() -> bed.users().createUser(create.clearDatabases().addDatabases(b).build())))
        .isEqualTo(Status.Code.ALREADY_EXISTS);
    assertThat(data.canUse(user, PASSWORD, a)).isTrue();
    assertThat(data.canUse(user, PASSWORD, b)).isFalse();
  }

  // ---- helpers ----

  protected static String unique(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
  }

  protected void createDatabase(String name) {
    bed.databases()
        .createDatabase(
            CreateDatabaseRequest.newBuilder()
                .setInstanceId(instance)
                .setDatabase(Database.newBuilder().setName(name))
                .build());
  }

  /** Grants on databases where the engine has them; otherwise the engine's default rights. */
  protected void createUser(String name, String password, String... databases) {
    bed.users()
        .createUser(
            CreateUserRequest.newBuilder()
                .setInstanceId(instance)
                .setName(name)
                .setPassword(password)
                .addAllDatabases(provider.namedDatabases() ? List.of(databases) : List.of())
                .build());
  }

  /** A fresh database where databases are named, else the engine's first one. */
  protected String accessibleDatabase(String prefix) {
    if (!provider.namedDatabases()) {
      return databaseNames().get(0);
    }
    String db = unique(prefix);
    createDatabase(db);
    return db;
  }

  protected List<String> databaseNames() {
    return bed
        .databases()
        .listDatabases(ListDatabasesRequest.newBuilder().setInstanceId(instance).build())
        .getDatabasesList()
        .stream()
        .map(Database::getName)
        .sorted()
        .toList();
  }

  protected List<User> users() {
    return bed.users()
        .listUsers(ListUsersRequest.newBuilder().setInstanceId(instance).build())
        .getUsersList();
  }

  protected static Status.Code code(Runnable call) {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
    assertThat(e).as("the call should have failed").isNotNull();
    return e.getStatus().getCode();
  }

  protected static String description(Runnable call) {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
    assertThat(e).as("the call should have failed").isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    return e.getStatus().getDescription();
  }
}
