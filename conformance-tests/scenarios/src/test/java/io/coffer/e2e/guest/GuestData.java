package io.coffer.e2e.guest;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.e2e.guest.GuestLab.Guest;
import io.coffer.proto.v1.CreateReplicaRequest;
import io.coffer.proto.v1.Role;
import io.coffer.proto.v1.Workflow;
import io.coffer.proto.v1.WorkflowState;
import io.coffer.tck.BackupData;
import io.coffer.tck.DatastoreProvider;
import io.coffer.tck.RootLogin;
import io.coffer.tck.Testbed;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The data in a lab's guests, read and written as each engine's superuser through the ports Podman
 * forwards: loads, small writes, and the engines' own checksums compared between guests.
 */
final class GuestData {
  static final Duration WORKFLOW = Duration.ofMinutes(4);

  private final DatastoreProvider provider;
  private final Testbed bed;
  private final String first;
  private final Map<String, Guest> guests = new HashMap<>();
  private final Map<String, RootLogin> roots = new HashMap<>();

  /**
   * @param first the guest whose superuser the others share where backups and replicas carry the
   *     accounts
   */
  GuestData(DatastoreProvider provider, Testbed bed, String first) {
    this.provider = provider;
    this.bed = bed;
    this.first = first;
  }

  void add(Guest guest) {
    guests.put(guest.instance(), guest);
  }

  /**
   * A superuser session on {@code instance}: the first guest's superuser where backups and replicas
   * carry the accounts (MariaDB, PostgreSQL), else one of its own (Redis keeps no ACL users in its
   * data).
   */
  BackupData on(String instance) {
    RootLogin login =
        roots.computeIfAbsent(provider.replicasCarryAccounts() ? first : instance, bed::enableRoot);
    return provider.backupData(guests.get(instance).clientPort(), login.name(), login.password());
  }

  void write(String instance, String marker) throws Exception {
    try (BackupData d = on(instance)) {
      d.write("shop", marker);
    }
  }

  /** Creates {@code replica} as a replica of {@code source} and waits until it follows it. */
  void createReplica(String source, String replica) throws Exception {
    Workflow created =
        bed.awaitWorkflow(
            bed.replication()
                .createReplica(
                    CreateReplicaRequest.newBuilder()
                        .setSourceInstanceId(source)
                        .setInstanceId(replica)
                        .build())
                .getWorkflowId(),
            WORKFLOW);
    assertThat(created.getState())
        .as(created.getError())
        .isEqualTo(WorkflowState.WORKFLOW_STATE_SUCCEEDED);
    bed.awaitRole(replica, Role.ROLE_REPLICA, Duration.ofSeconds(60));
    write(source, "after the replica was created");
    awaitSame(source, replica, Duration.ofSeconds(60));
  }

  /** Waits until {@code replica}'s checksums equal {@code source}'s. */
  void awaitSame(String source, String replica, Duration timeout) throws Exception {
    BackupData.awaitSame(
        () -> on(source),
        () -> on(replica),
        timeout,
        "data on " + replica + " vs its source " + source);
  }
}
