package io.coffer.e2e.guest;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.e2e.guest.GuestLab.Guest;
import io.coffer.proto.v1.CreateDatabaseRequest;
import io.coffer.proto.v1.CreateUserRequest;
import io.coffer.proto.v1.Database;
import io.coffer.proto.v1.GetInstanceRequest;
import io.coffer.proto.v1.InstanceStatus;
import io.coffer.proto.v1.ListDatabasesRequest;
import io.coffer.spi.PluginApi;
import io.coffer.tck.DatastoreProvider;
import io.coffer.tck.Testbed;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A guest container of each engine from the image {@code bin/coffer-image} builds (built here when
 * missing or stale: its tag is a hash of its inputs), on its own address of a container network:
 * the coffer-agent package was installed into a clean Debian root to make the image, the agent is
 * the container's main process, takes its identity and one-time enrollment token from the
 * environment, enrolls with the control on this host, starts its server, and serves a user who then
 * writes and reads data as a client does.
 */
class GuestImageTest {
  private static final String PASSWORD = "Guest-pass-1";

  @TempDir Path tmp;
  private GuestLab lab;

  @AfterEach
  void stop() throws Exception {
    if (lab != null) {
      lab.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"mysql", "postgresql", "redis"})
  void aGuestEnrollsWithATokenFromItsEnvironmentAndServesAClient(String engine) throws Exception {
    DatastoreProvider provider = GuestLab.provider(engine);
    lab = GuestLab.start(tmp, engine, false);
    Testbed bed = lab.bed();
    String instance = "guest-" + engine;
    Guest guest = lab.startGuest(engine, instance);
    // the packaged agent says what it is: its version, the plugin API it provides, its plugins
    InstanceStatus status =
        bed.instances()
            .getInstance(GetInstanceRequest.newBuilder().setInstanceId(instance).build());
    assertThat(status.getAgentVersion()).matches("\\d+\\.\\d+\\.\\d+.*");
    assertThat(status.getPluginApiVersion()).isEqualTo(PluginApi.VERSION);
    assertThat(status.getPluginsList())
        .anySatisfy(
            p -> {
              assertThat(p.getId()).contains(engine);
              assertThat(p.getVersion()).isEqualTo(status.getAgentVersion());
              assertThat(p.getRequires()).isEqualTo(">=1.0.0 & <2.0.0");
            });

    String db;
    CreateUserRequest.Builder user =
        CreateUserRequest.newBuilder().setInstanceId(instance).setName("app").setPassword(PASSWORD);
    if (provider.namedDatabases()) {
      db = "shop";
      bed.databases()
          .createDatabase(
              CreateDatabaseRequest.newBuilder()
                  .setInstanceId(instance)
                  .setDatabase(Database.newBuilder().setName(db))
                  .build());
      user.addDatabases(db);
    } else {
      db =
          bed.databases()
              .listDatabases(ListDatabasesRequest.newBuilder().setInstanceId(instance).build())
              .getDatabases(0)
              .getName();
    }
    bed.users().createUser(user.build());
    assertThat(provider.dataPlane(guest.clientPort()).writeAndRead("app", PASSWORD, db, "guest"))
        .isEqualTo("guest");
    assertThat(guest.log()).doesNotContain(PASSWORD);
  }
}
