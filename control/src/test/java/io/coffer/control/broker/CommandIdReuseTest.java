package io.coffer.control.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.coffer.control.registry.AgentRegistry;
import io.coffer.control.store.SqliteStateStore;
import io.coffer.proto.v1.ChangePassword;
import io.coffer.proto.v1.CreateDatabase;
import io.coffer.proto.v1.Database;
import io.coffer.proto.v1.Hello;
import io.coffer.proto.v1.Operation;
import io.coffer.proto.v1.UpdateConfiguration;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command id is the key of one request: a retry of the same request joins the journaled command,
 * the same id with anything else changed is refused before it reaches an agent. The instance is
 * known but not connected, so the first command stays journaled and waits.
 */
class CommandIdReuseTest {
  @TempDir Path dir;
  SqliteStateStore store;
  Broker broker;

  @BeforeEach
  void setUp() throws Exception {
    store = SqliteStateStore.open(dir);
    AgentRegistry registry = new AgentRegistry(Clock.systemUTC(), 3);
    registry.remember(
        "db1", Hello.newBuilder().setInstanceId("db1").build(), Clock.systemUTC().instant());
    registry.remember(
        "db2", Hello.newBuilder().setInstanceId("db2").build(), Clock.systemUTC().instant());
    broker = new Broker(store, registry, Clock.systemUTC(), RequestDigests.open(dir));
  }

  @AfterEach
  void tearDown() {
    broker.close();
    store.close();
  }

  @Test
  void theSameRequestJoinsTheFirstAndAnyDifferenceIsRefused() {
    assertThat(code("create_database", "db1", createDatabase("shop")))
        .isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(code("create_database", "db1", createDatabase("shop")))
        .as("a retry")
        .isEqualTo(Status.Code.UNAVAILABLE);

    StatusRuntimeException other = refusal("create_database", "db1", createDatabase("other"));
    assertThat(other.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
    assertThat(other.getStatus().getDescription())
        .contains("'c-1'", "different request", "create_database on instance db1");
    assertThat(code("create_database", "db2", createDatabase("shop")))
        .isEqualTo(Status.Code.ALREADY_EXISTS);
    assertThat(code("delete_database", "db1", createDatabase("shop")))
        .isEqualTo(Status.Code.ALREADY_EXISTS);
    assertThat(store.pending("db1"))
        .singleElement()
        .satisfies(
            c ->
                assertThat(c.command().orElseThrow().getOperation())
                    .isEqualTo(createDatabase("shop")));
  }

  @Test
  void secretsAreComparedToo() {
    code("change_password", "db1", password("First-pass-1"));
    assertThat(code("change_password", "db1", password("First-pass-1")))
        .isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(code("change_password", "db1", password("Second-pass-2")))
        .isEqualTo(Status.Code.ALREADY_EXISTS);
  }

  @Test
  void mapsCompareByContentNotByTheOrderTheyWereBuiltIn() {
    Map<String, String> ab = new LinkedHashMap<>();
    ab.put("a", "1");
    ab.put("b", "2");
    Map<String, String> ba = new LinkedHashMap<>();
    ba.put("b", "2");
    ba.put("a", "1");
    code("update_configuration", "db1", config(ab));
    assertThat(code("update_configuration", "db1", config(ba))).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(code("update_configuration", "db1", config(Map.of("a", "1", "b", "3"))))
        .isEqualTo(Status.Code.ALREADY_EXISTS);
  }

  @Test
  void digestsAreKeyedPerControlSoTheyCannotBeUsedToGuessAPassword(@TempDir Path other)
      throws Exception {
    Operation op = password("Guessable-1");
    assertThat(RequestDigests.open(dir).of("change_password", op))
        .isEqualTo(RequestDigests.open(dir).of("change_password", op))
        .isNotEqualTo(RequestDigests.open(other).of("change_password", op));
  }

  private Status.Code code(String kind, String instance, Operation op) {
    return refusal(kind, instance, op).getStatus().getCode();
  }

  private StatusRuntimeException refusal(String kind, String instance, Operation op) {
    return catchThrowableOfType(
        StatusRuntimeException.class,
        () -> broker.dispatch(instance, "c-1", kind, false, op, Duration.ofMillis(200)).block());
  }

  private static Operation createDatabase(String name) {
    return Operation.newBuilder()
        .setCreateDatabase(
            CreateDatabase.newBuilder().setDatabase(Database.newBuilder().setName(name)))
        .build();
  }

  private static Operation password(String password) {
    return Operation.newBuilder()
        .setChangePassword(ChangePassword.newBuilder().setName("u").setPassword(password))
        .build();
  }

  private static Operation config(Map<String, String> values) {
    return Operation.newBuilder()
        .setUpdateConfiguration(UpdateConfiguration.newBuilder().putAllValues(values))
        .build();
  }
}
