package io.coffer.control.cluster;

import io.coffer.control.broker.Broker;
import io.coffer.control.events.EventKind;
import io.coffer.control.events.Events;
import io.coffer.control.registry.AgentRegistry;
import io.coffer.control.workflow.Workflow;
import io.coffer.control.workflow.WorkflowDefinition;
import io.coffer.control.workflow.WorkflowDefinition.Named;
import io.coffer.control.workflow.WorkflowRunner;
import io.coffer.proto.v1.BootstrapCluster;
import io.coffer.proto.v1.ClusterRecovery;
import io.coffer.proto.v1.GetClusterRecovery;
import io.coffer.proto.v1.InstanceState;
import io.coffer.proto.v1.InstanceStatus;
import io.coffer.proto.v1.Operation;
import io.coffer.proto.v1.OperationResult;
import io.coffer.proto.v1.RejoinCluster;
import io.grpc.Status;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Whole-cluster recovery (Galera): every node of a cluster stopped (a power loss, say), so no
 * Primary component is left for the others to join, and MariaDB does not pick a node to start one
 * by itself. One journaled workflow, {@code recover_cluster}:
 *
 * <ol>
 *   <li>ask every member where it stands ({@code GetClusterRecovery}; each server stops, and after
 *       a crash its position is recovered from InnoDB);
 *   <li>bootstrap the most advanced ({@link BootstrapChoice}) unless one still runs in a Primary
 *       component;
 *   <li>start the others, one at a time, each joining it (IST, or SST when too far behind).
 * </ol>
 *
 * The members are those the control recorded ({@link ClusterMembership}): a node shut down in an
 * orderly way is missing from the others' last view, yet may hold the latest commits. Started by
 * {@code coffer cluster recover} or by the HA loop ({@code ClusterWatch}).
 */
public final class WholeClusterRecovery {
  public static final String KIND = "recover_cluster";
  private static final Duration STEP_TIMEOUT = Duration.ofMinutes(60);

  private final Broker broker;
  private final AgentRegistry registry;
  private final WorkflowRunner runner;
  private final Events events;
  private final ClusterMembership membership;

  public WholeClusterRecovery(
      Broker broker,
      AgentRegistry registry,
      WorkflowRunner runner,
      Events events,
      ClusterMembership membership) {
    this.membership = membership;
    this.broker = broker;
    this.registry = registry;
    this.runner = runner;
    this.events = events;
    runner.define(
        new WorkflowDefinition(
            KIND,
            List.of(
                new Named("ask every member where it stands (their servers stop)", this::positions),
                new Named("bootstrap the most advanced member", this::bootstrap),
                new Named("start the other members, one at a time", this::rejoinOthers))));
  }

  /**
   * Starts the recovery of {@code member}'s cluster.
   *
   * @param reason why, for the events (a person, or the HA loop)
   */
  public Mono<Workflow> start(String member, String reason, String workflowId) {
    return runner.start(
        workflowId,
        KIND,
        Map.of("member", member),
        () -> {
          InstanceStatus s = registry.require(member);
          if (!s.getCapabilitiesList().contains("get_cluster_recovery")
              || !s.getDatastore().getEngine().equals("mysql")) {
            throw Status.FAILED_PRECONDITION
                .withDescription(
                    "instance "
                        + member
                        + " ("
                        + s.getDatastore().getEngine()
                        + ") has no whole-cluster recovery: only Galera needs one")
                .asRuntimeException();
          }
          return Map.of("reason", reason);
        });
  }

  private Mono<Map<String, String>> positions(Workflow w) {
    String member = w.param("member");
    return Mono.fromCallable(
            () -> {
              List<String> members =
                  membership
                      .of(member)
                      .map(ClusterMembership.Cluster::members)
                      .orElseThrow(
                          () ->
                              Status.FAILED_PRECONDITION
                                  .withDescription(
                                      "instance "
                                          + member
                                          + " is not a member of a cluster the control"
                                          + " formed")
                                  .asRuntimeException());
              for (String m : members) {
                InstanceStatus s = registry.status(m).orElse(null);
                if (s == null || s.getState() != InstanceState.INSTANCE_STATE_CONNECTED) {
                  throw Status.FAILED_PRECONDITION
                      .withDescription(
                          "member "
                              + m
                              + " is not connected: every member's agent"
                              + " must be back before the cluster can be recovered")
                      .asRuntimeException();
                }
              }
              return members;
            })
        .flatMap(
            members -> {
              events.publish(
                  EventKind.REPAIR_STARTED,
                  member,
                  "whole-cluster recovery of "
                      + String.join(", ", members)
                      + ": "
                      + w.param("reason"),
                  Map.of("workflow_id", w.id(), "repair", "recover_cluster"));
              Map<String, ClusterRecovery> answers = new HashMap<>();
              return Flux.fromIterable(members)
                  .concatMap(m -> ask(w, m).map(r -> Map.entry(m, r)))
                  .doOnNext(e -> answers.put(e.getKey(), e.getValue()))
                  .then(
                      Mono.fromCallable(
                          () -> {
                            BootstrapChoice choice;
                            try {
                              choice = BootstrapChoice.of(members, answers);
                            } catch (IllegalStateException e) {
                              throw Status.FAILED_PRECONDITION
                                  .withDescription(e.getMessage())
                                  .asRuntimeException();
                            }
                            Map<String, String> out = new LinkedHashMap<>();
                            out.put("members", String.join(",", members));
                            out.put("bootstrap", choice.node());
                            out.put("already_primary", Boolean.toString(choice.alreadyPrimary()));
                            members.forEach(
                                m ->
                                    out.put(
                                        "seqno:" + m, Long.toString(answers.get(m).getSeqno())));
                            return out;
                          }));
            });
  }

  private Mono<Map<String, String>> bootstrap(Workflow w) {
    if (Boolean.parseBoolean(w.param("already_primary"))) {
      return Mono.just(Map.of());
    }
    Operation op =
        Operation.newBuilder().setBootstrapCluster(BootstrapCluster.getDefaultInstance()).build();
    return call(w, w.param("bootstrap"), "bootstrap_cluster", op).thenReturn(Map.of());
  }

  private Mono<Map<String, String>> rejoinOthers(Workflow w) {
    Operation op =
        Operation.newBuilder().setRejoinCluster(RejoinCluster.getDefaultInstance()).build();
    List<String> members = Arrays.asList(w.param("members").split(","));
    return Flux.fromIterable(members)
        .filter(m -> !m.equals(w.param("bootstrap")))
        .concatMap(m -> call(w, m, "rejoin_cluster", op))
        .then(
            Mono.fromRunnable(
                () ->
                    events.publish(
                        EventKind.REPAIR_COMPLETED,
                        w.param("member"),
                        "the cluster of "
                            + String.join(", ", members)
                            + " runs again, bootstrapped from "
                            + w.param("bootstrap"),
                        Map.of(
                            "workflow_id",
                            w.id(),
                            "repair",
                            "recover_cluster",
                            "bootstrap",
                            w.param("bootstrap")))))
        .thenReturn(Map.of());
  }

  private Mono<ClusterRecovery> ask(Workflow w, String instance) {
    Operation op =
        Operation.newBuilder()
            .setGetClusterRecovery(GetClusterRecovery.getDefaultInstance())
            .build();
    return call(w, instance, "get_cluster_recovery", op).map(r -> r.getClusterRecovery());
  }

  private Mono<OperationResult> call(Workflow w, String instance, String kind, Operation op) {
    return broker.dispatch(
        instance, WorkflowRunner.commandId(w, instance), kind, false, op, STEP_TIMEOUT);
  }
}
