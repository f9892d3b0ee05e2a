package io.coffer.e2e.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.control.cli.CofferCli;
import io.coffer.proto.v1.EjectRequest;
import io.coffer.proto.v1.GetHaSettingsRequest;
import io.coffer.proto.v1.GetInstanceRequest;
import io.coffer.proto.v1.HaSettings;
import io.coffer.proto.v1.SetHaSettingsRequest;
import io.coffer.proto.v1.Workflow;
import io.coffer.proto.v1.WorkflowState;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A group's automatic-failover settings through the API and {@code coffer ha}: the defaults, a
 * change that holds, bad values refused with the field named and nothing changed, switching
 * automatic failover off, which ends the primary's lease (its agent reports it no longer holds
 * one), and a failover by hand: refused while the primary answers, done with --force after fencing
 * it.
 */
class HaSettingsEndToEndTest {
  private ReplicatedLedger pair;

  record Run(int exit, String out, String err) {}

  @AfterEach
  void stop() {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void settingsAreValidatedSwitchingOffEndsTheLeaseAndEjectNeedsForceWhileThePrimaryAnswers()
      throws Exception {
    pair = ReplicatedLedger.start(Ledger.MARIADB, false, false);
    HaSettings defaults = get();
    assertThat(defaults.getTerm()).isEqualTo(1);
    assertThat(defaults.getEnabled()).isTrue();
    assertThat(defaults.getDetectionWindowMillis()).isEqualTo(6000);
    assertThat(defaults.getMaxLagMillis()).isEqualTo(10000);
    assertThat(defaults.getLeaseMillis()).isEqualTo(4000);
    awaitLeaseHeld(1);

    // a lease that would outlast the detection window: the primary could still write when promoted
    assertThatThrownBy(() -> set(SetHaSettingsRequest.newBuilder().setLeaseMillis(5500)))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription())
                  .startsWith("lease_millis: must be between 1000 and");
            });
    assertThat(get()).isEqualTo(defaults);

    HaSettings changed =
        set(
            SetHaSettingsRequest.newBuilder()
                .setDetectionWindowMillis(10_000)
                .setLeaseMillis(8000));
    assertThat(changed.getDetectionWindowMillis()).isEqualTo(10_000);
    assertThat(changed.getLeaseMillis()).isEqualTo(8000);
    assertThat(changed.getMaxLagMillis()).as("not given: kept").isEqualTo(10000);

    assertThatThrownBy(
            () ->
                pair.bed
                    .replication()
                    .getHaSettings(
                        GetHaSettingsRequest.newBuilder()
                            .setSourceInstanceId(ReplicatedLedger.REPLICA)
                            .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));

    Run bad = coffer("ha", "set", ReplicatedLedger.SOURCE, "--window", "1s");
    assertThat(bad.exit()).isNotZero();
    assertThat(bad.err())
        .contains("detection_window_millis")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    Run off = coffer("ha", "set", ReplicatedLedger.SOURCE, "--enabled", "false");
    assertThat(off.exit()).as(off.err()).isZero();
    Run shown = coffer("ha", "show", ReplicatedLedger.SOURCE);
    assertThat(shown.exit()).as(shown.err()).isZero();
    assertThat(shown.out()).contains("off").contains("10000 ms");
    assertThat(get().getEnabled()).isFalse();
    awaitLeaseHeld(
        0); // failover by hand only: no lease, so the primary never fences itself on silence

    // by hand: refused while the primary answers, unless forced; then it is fenced first
    assertThatThrownBy(
            () ->
                pair.bed
                    .replication()
                    .eject(
                        EjectRequest.newBuilder()
                            .setSourceInstanceId(ReplicatedLedger.SOURCE)
                            .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
              assertThat(e.getStatus().getDescription())
                  .contains("still answers")
                  .contains("--force");
            });
    Workflow forced =
        pair.bed.awaitWorkflow(
            pair.bed
                .replication()
                .eject(
                    EjectRequest.newBuilder()
                        .setSourceInstanceId(ReplicatedLedger.SOURCE)
                        .setForce(true)
                        .build())
                .getWorkflowId(),
            Duration.ofMinutes(2));
    assertThat(forced.getState())
        .as(forced.getError())
        .isEqualTo(WorkflowState.WORKFLOW_STATE_SUCCEEDED);
    assertThat(forced.getDetailsMap())
        .containsEntry("new_primary", ReplicatedLedger.REPLICA)
        .containsEntry("old_primary_fenced", "yes");
    assertThatThrownBy(
            () -> {
              try (Connection c = pair.app(pair.sourcePort);
                  Statement st = c.createStatement()) {
                st.executeUpdate("INSERT INTO entries (id) VALUES (1)");
              }
            })
        .as("the forced-out primary is fenced")
        .isInstanceOf(SQLException.class);
    try (Connection c = pair.app(pair.replicaPort);
        Statement st = c.createStatement()) {
      st.executeUpdate("INSERT INTO entries (id) VALUES (2)");
    }
    assertThat(
            pair.bed
                .replication()
                .getHaSettings(
                    GetHaSettingsRequest.newBuilder()
                        .setSourceInstanceId(ReplicatedLedger.REPLICA)
                        .build())
                .getTerm())
        .isEqualTo(2);
  }

  private HaSettings get() {
    return pair.bed
        .replication()
        .getHaSettings(
            GetHaSettingsRequest.newBuilder().setSourceInstanceId(ReplicatedLedger.SOURCE).build());
  }

  private HaSettings set(SetHaSettingsRequest.Builder r) {
    return pair.bed
        .replication()
        .setHaSettings(r.setSourceInstanceId(ReplicatedLedger.SOURCE).build());
  }

  private void awaitLeaseHeld(double held) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    double last = -1;
    while (System.nanoTime() < end) {
      last =
          pair.bed
              .instances()
              .getInstance(
                  GetInstanceRequest.newBuilder().setInstanceId(ReplicatedLedger.SOURCE).build())
              .getMetricsOrDefault("ha_lease_held", -1);
      if (last == held) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("ha_lease_held of the primary stayed " + last + ", expected " + held);
  }

  private Run coffer(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new CofferCli());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 4];
    all[0] = "--home";
    all[1] = pair.bed.home().root().toString();
    all[2] = "--control";
    all[3] = "127.0.0.1:" + pair.bed.control().apiPort();
    System.arraycopy(args, 0, all, 4, args.length);
    return new Run(cli.execute(all), out.toString(), err.toString());
  }
}
