package io.coffer.control.cluster;

import io.coffer.control.broker.Broker;
import io.coffer.control.keys.DerivedPasswords;
import io.coffer.control.registry.AgentRegistry;
import io.coffer.control.status.ApiErrors;
import io.coffer.control.workflow.Workflow;
import io.coffer.control.workflow.WorkflowDefinition;
import io.coffer.control.workflow.WorkflowDefinition.Named;
import io.coffer.control.workflow.WorkflowRunner;
import io.coffer.proto.v1.AddClusterNode;
import io.coffer.proto.v1.ClusterNode;
import io.coffer.proto.v1.ClusterNodeAddress;
import io.coffer.proto.v1.ClusterStatus;
import io.coffer.proto.v1.CreateCluster;
import io.coffer.proto.v1.GetClusterStatus;
import io.coffer.proto.v1.InstanceStatus;
import io.coffer.proto.v1.JoinCluster;
import io.coffer.proto.v1.LeaveCluster;
import io.coffer.proto.v1.Operation;
import io.coffer.proto.v1.OperationResult;
import io.coffer.proto.v1.PrepareClusterNode;
import io.coffer.proto.v1.RemoveClusterNode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Cluster workflows: create, grow and shrink a sharded cluster. Each step is one command per agent
 * with a command id derived from the workflow and step, so a step repeated after a control restart
 * joins the journaled command. The engine's view (GetClusterStatus on a member) is the truth about
 * who runs now, mapped to instances by their datastore addresses; each workflow's last step records
 * who belongs ({@link ClusterMembership}), which a whole-cluster recovery needs when none runs.
 */
public final class ClusterManager {
  public static final String CREATE_CLUSTER = "create_cluster";
  public static final String GROW_CLUSTER = "grow_cluster";
  public static final String SHRINK_CLUSTER = "shrink_cluster";

  /** The account nodes and the engine's cluster tool use between nodes; reserved by the plugins. */
  static final String CLUSTER_USER = "coffer_cluster";

  private static final Duration STEP_TIMEOUT = Duration.ofMinutes(30);
  private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(10);

  /**
   * How long the members may take to agree that a node left (Galera's evs.inactive_timeout is 15
   * s).
   */
  private static final Duration LEAVE_SEEN_TIMEOUT = Duration.ofMinutes(2);

  private final Broker broker;
  private final AgentRegistry registry;
  private final WorkflowRunner runner;
  private final DerivedPasswords passwords;
  private final ClusterMembership membership;

  public ClusterManager(
      Broker broker,
      AgentRegistry registry,
      WorkflowRunner runner,
      DerivedPasswords passwords,
      ClusterMembership membership) {
    this.passwords = passwords;
    this.membership = membership;
    this.broker = broker;
    this.registry = registry;
    this.runner = runner;
    // The same steps serve every engine: each does the work on the node its tools need and checks
    // the outcome in the other step (see io.coffer.spi.cluster.ClusterStrategy).
    runner.define(
        new WorkflowDefinition(
            CREATE_CLUSTER,
            List.of(
                new Named(
                    "prepare the cluster account on every node",
                    w -> prepareAll(w, list(w.param("instances")))),
                new Named("form the cluster on the first node", this::form),
                new Named("join the other nodes, one at a time", this::joinOthers),
                new Named("record the members", this::recordFormed))));
    runner.define(
        new WorkflowDefinition(
            GROW_CLUSTER,
            List.of(
                new Named("find the cluster's nodes", this::findNodes),
                new Named(
                    "prepare the cluster account on every node", w -> prepareAll(w, withNew(w))),
                new Named("add the node (Redis: and move slots to it)", this::addNode),
                new Named("join the new node", this::joinNew),
                new Named("record the new member", this::recordJoined))));
    runner.define(
        new WorkflowDefinition(
            SHRINK_CLUSTER,
            List.of(
                new Named("find the cluster's nodes", this::findNodes),
                new Named(
                    "prepare the cluster account on every node",
                    w -> prepareAll(w, list(w.param("nodes")))),
                new Named("remove the node (Redis: after moving its slots away)", this::removeNode),
                new Named("the node leaves", this::leave),
                new Named("the others see the node gone", this::awaitGone),
                new Named("record the member gone", this::recordLeft))));
  }

  // ---- starting workflows (validation happens here, before anything is journaled; a retry is not
  // validated again) ----

  public Mono<Workflow> create(
      String datastore, List<String> instances, int replicasPerPrimary, String workflowId) {
    Map<String, String> request =
        Map.of(
            "datastore",
            datastore,
            "instances",
            String.join(",", instances),
            "replicas_per_primary",
            Integer.toString(replicasPerPrimary));
    return runner.start(
        workflowId,
        CREATE_CLUSTER,
        request,
        () -> {
          if (datastore.isEmpty()) {
            throw invalid("datastore", "is required (redis or mysql)");
          }
          if (instances.isEmpty()) {
            throw invalid("instance_ids", "at least one is required");
          }
          if (new HashSet<>(instances).size() != instances.size()) {
            throw invalid("instance_ids", "an instance appears twice");
          }
          for (String id : instances) {
            InstanceStatus s = registry.require(id);
            if (!s.getDatastore().getEngine().equals(datastore)) {
              throw invalid(
                  "instance_ids",
                  "instance "
                      + id
                      + " runs "
                      + s.getDatastore().getEngine()
                      + ", not "
                      + datastore);
            }
            requireClusters(s);
          }
          return Map.of(); // the request is all the workflow starts with
        });
  }

  public Mono<Workflow> grow(String member, String instance, String workflowId) {
    return change(GROW_CLUSTER, member, instance, workflowId);
  }

  public Mono<Workflow> shrink(String member, String instance, String workflowId) {
    return change(SHRINK_CLUSTER, member, instance, workflowId);
  }

  private Mono<Workflow> change(String kind, String member, String instance, String workflowId) {
    return runner.start(
        workflowId,
        kind,
        Map.of("member", member, "instance", instance),
        () -> {
          InstanceStatus m = registry.require(member);
          InstanceStatus n = registry.require(instance);
          if (member.equals(instance) && kind.equals(GROW_CLUSTER)) {
            throw invalid("instance_id", "the new node must be another instance than the member");
          }
          if (!m.getDatastore().getEngine().equals(n.getDatastore().getEngine())) {
            throw invalid(
                "instance_id",
                "instance "
                    + instance
                    + " runs "
                    + n.getDatastore().getEngine()
                    + ", the cluster "
                    + m.getDatastore().getEngine());
          }
          requireClusters(m);
          requireClusters(n);
          return Map.of();
        });
  }

  /**
   * The cluster account's password in this workflow, derived (never journaled). A workflow that an
   * earlier control journaled with a password parameter keeps that one.
   */
  private String password(Workflow w) {
    return w.params().getOrDefault("password", passwords.cluster(w.id()));
  }

  /**
   * The cluster as {@code member} sees it, each node's instance filled in where the control knows
   * it.
   */
  public Mono<ClusterStatus> status(String member) {
    return Mono.fromCallable(
            () -> {
              requireClusters(registry.require(member));
              return member;
            })
        .subscribeOn(Schedulers.boundedElastic())
        .flatMap(this::askStatus)
        .map(
            s -> {
              ClusterStatus.Builder out = s.toBuilder().clearNodes();
              for (ClusterNode node : s.getNodesList()) {
                out.addNodes(
                    node.toBuilder().setInstanceId(instanceAt(node.getAddress()).orElse("")));
              }
              return out.build();
            });
  }

  public WorkflowRunner runner() {
    return runner;
  }

  // ---- steps ----

  private Mono<Map<String, String>> prepareAll(Workflow w, List<String> instances) {
    Operation op =
        Operation.newBuilder()
            .setPrepareClusterNode(
                PrepareClusterNode.newBuilder().setUser(CLUSTER_USER).setPassword(password(w)))
            .build();
    return Flux.fromIterable(instances)
        .concatMap(i -> call(w, i, "prepare_cluster_node", op))
        .then(Mono.just(Map.of()));
  }

  private Mono<Map<String, String>> form(Workflow w) {
    return Mono.fromCallable(
            () -> {
              List<String> instances = list(w.param("instances"));
              CreateCluster.Builder create =
                  CreateCluster.newBuilder()
                      .setUser(CLUSTER_USER)
                      .setPassword(password(w))
                      .setReplicasPerPrimary(Integer.parseInt(w.param("replicas_per_primary")));
              instances.forEach(i -> create.addNodes(address(i)));
              return Map.entry(
                  instances.get(0), Operation.newBuilder().setCreateCluster(create).build());
            })
        .flatMap(e -> call(w, e.getKey(), "create_cluster", e.getValue()))
        .thenReturn(Map.of());
  }

  /**
   * JoinCluster on every node but the first, in order (a Galera joiner takes a full state
   * transfer).
   */
  private Mono<Map<String, String>> joinOthers(Workflow w) {
    List<String> instances = list(w.param("instances"));
    return Flux.fromIterable(instances.subList(1, instances.size()))
        .concatMap(
            i ->
                Mono.fromCallable(() -> join(w, instances))
                    .flatMap(op -> call(w, i, "join_cluster", op)))
        .then(Mono.just(Map.of()));
  }

  private Mono<Map<String, String>> joinNew(Workflow w) {
    return Mono.fromCallable(() -> join(w, withNew(w)))
        .flatMap(op -> call(w, w.param("instance"), "join_cluster", op))
        .thenReturn(Map.of());
  }

  private Mono<Map<String, String>> recordFormed(Workflow w) {
    return Mono.fromCallable(
            () -> {
              membership.form(w.id(), w.param("datastore"), list(w.param("instances")));
              return Map.<String, String>of();
            })
        .subscribeOn(Schedulers.boundedElastic());
  }

  private Mono<Map<String, String>> recordJoined(Workflow w) {
    return Mono.fromCallable(
            () -> {
              if (membership.of(w.param("member")).isPresent()) {
                membership.join(w.param("member"), w.param("instance"));
              } else { // a cluster formed before the control kept records: its nodes as found
                membership.form(w.id(), engineOf(w.param("member")), withNew(w));
              }
              return Map.<String, String>of();
            })
        .subscribeOn(Schedulers.boundedElastic());
  }

  private Mono<Map<String, String>> recordLeft(Workflow w) {
    return Mono.fromCallable(
            () -> {
              if (membership.of(w.param("member")).isPresent()) {
                membership.leave(w.param("instance"));
              } else {
                List<String> rest = new ArrayList<>(list(w.param("nodes")));
                rest.remove(w.param("instance"));
                membership.form(w.id(), engineOf(w.param("runner")), rest);
              }
              return Map.<String, String>of();
            })
        .subscribeOn(Schedulers.boundedElastic());
  }

  private String engineOf(String instance) {
    return registry.status(instance).map(s -> s.getDatastore().getEngine()).orElse("");
  }

  private Mono<Map<String, String>> leave(Workflow w) {
    Operation op =
        Operation.newBuilder().setLeaveCluster(LeaveCluster.getDefaultInstance()).build();
    return call(w, w.param("instance"), "leave_cluster", op).thenReturn(Map.of());
  }

  /**
   * The members install the smaller view asynchronously: a Galera leaver's shutdown returns once it
   * sent its leave message, before the others agreed on it. The shrink ends only when the view of
   * the node that ran the removal (the runner: the member asked, or another node when that member
   * is the one leaving) no longer holds the node, so a caller that acts on the smaller cluster
   * right away (stops another node, say) does not meet members that still count the leaver in their
   * quorum. Asks again while the runner's agent is unreachable; other errors end the step.
   */
  private Mono<Map<String, String>> awaitGone(Workflow w) {
    String runnerId = w.param("runner");
    AtomicReference<String> seen = new AtomicReference<>("no answer yet");
    return Mono.fromCallable(() -> address(w.param("instance")))
        .flatMap(
            leaving ->
                Mono.defer(() -> askStatus(runnerId))
                    .doOnNext(
                        s ->
                            seen.set(
                                "it lists "
                                    + s.getNodesCount()
                                    + " nodes, counts "
                                    + s.getSize()
                                    + ", state "
                                    + s.getState()))
                    .filter(s -> isWithout(s, leaving))
                    .onErrorResume(
                        ClusterManager::worthAskingAgain,
                        e -> {
                          seen.set(
                              e.getMessage()); // the runner's agent is reconnecting or slow: ask
                          // again
                          return Mono.empty();
                        })
                    .repeatWhenEmpty(attempts -> attempts.delayElements(Duration.ofMillis(250)))
                    .timeout(
                        LEAVE_SEEN_TIMEOUT,
                        Mono.error(
                            () ->
                                Status.DEADLINE_EXCEEDED
                                    .withDescription(
                                        "instance "
                                            + runnerId
                                            + " still counts "
                                            + w.param("instance")
                                            + " in its cluster "
                                            + LEAVE_SEEN_TIMEOUT.toSeconds()
                                            + " s after it left ("
                                            + seen.get()
                                            + ")")
                                    .asRuntimeException())))
        .thenReturn(Map.of());
  }

  /**
   * An answer worth asking again for: the agent is not connected now, or did not answer in time.
   */
  private static boolean worthAskingAgain(Throwable e) {
    Status.Code code = Status.fromThrowable(e).getCode();
    return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
  }

  /**
   * Whether a member's view is settled without {@code node}: it lists nodes (an empty list means
   * the engine's view could not be read just now), {@code node} is not among them, and it counts no
   * member more than it lists.
   */
  static boolean isWithout(ClusterStatus view, ClusterNodeAddress node) {
    boolean listed =
        view.getNodesList().stream()
            .anyMatch(
                n ->
                    n.getAddress().getHost().equals(node.getHost())
                        && n.getAddress().getPort() == node.getPort());
    return !listed && view.getNodesCount() > 0 && view.getSize() == view.getNodesCount();
  }

  private Operation join(Workflow w, List<String> members) {
    JoinCluster.Builder join =
        JoinCluster.newBuilder().setUser(CLUSTER_USER).setPassword(password(w));
    members.forEach(m -> join.addMembers(address(m)));
    return Operation.newBuilder().setJoinCluster(join).build();
  }

  /**
   * Every node of the member's cluster, as instances; a node the control does not know stops the
   * workflow.
   */
  private Mono<Map<String, String>> findNodes(Workflow w) {
    return askStatus(w.param("member"))
        .map(
            s -> {
              if (!s.getEnabled() || s.getNodesCount() < 2) {
                throw Status.FAILED_PRECONDITION
                    .withDescription("instance " + w.param("member") + " is not in a cluster")
                    .asRuntimeException();
              }
              List<String> nodes = new ArrayList<>();
              for (ClusterNode node : s.getNodesList()) {
                nodes.add(
                    instanceAt(node.getAddress())
                        .orElseThrow(
                            () ->
                                new IllegalStateException(
                                    "cluster node "
                                        + node.getAddress().getHost()
                                        + ":"
                                        + node.getAddress().getPort()
                                        + " is no instance the control knows")));
              }
              // a node other than the one leaving runs the change
              String runner =
                  nodes.stream()
                      .filter(n -> !n.equals(w.param("instance")))
                      .findFirst()
                      .orElseThrow(
                          () -> new IllegalStateException("the cluster has no other node"));
              return Map.of("nodes", String.join(",", nodes), "runner", runner);
            });
  }

  private Mono<Map<String, String>> addNode(Workflow w) {
    return Mono.fromCallable(
            () ->
                Operation.newBuilder()
                    .setAddClusterNode(
                        AddClusterNode.newBuilder()
                            .setNode(address(w.param("instance")))
                            .setUser(CLUSTER_USER)
                            .setPassword(password(w)))
                    .build())
        .flatMap(op -> call(w, w.param("runner"), "add_cluster_node", op))
        .thenReturn(Map.of());
  }

  private Mono<Map<String, String>> removeNode(Workflow w) {
    return Mono.fromCallable(
            () -> {
              if (!list(w.param("nodes")).contains(w.param("instance"))) {
                throw Status.FAILED_PRECONDITION
                    .withDescription(
                        "instance "
                            + w.param("instance")
                            + " is not in the cluster of "
                            + w.param("member"))
                    .asRuntimeException();
              }
              return Operation.newBuilder()
                  .setRemoveClusterNode(
                      RemoveClusterNode.newBuilder()
                          .setNode(address(w.param("instance")))
                          .setUser(CLUSTER_USER)
                          .setPassword(password(w)))
                  .build();
            })
        .flatMap(op -> call(w, w.param("runner"), "remove_cluster_node", op))
        .thenReturn(Map.of());
  }

  // ---- helpers ----

  private Mono<ClusterStatus> askStatus(String member) {
    Operation op =
        Operation.newBuilder().setGetClusterStatus(GetClusterStatus.getDefaultInstance()).build();
    return broker
        .dispatch(
            member, UUID.randomUUID().toString(), "get_cluster_status", true, op, STATUS_TIMEOUT)
        .map(OperationResult::getCluster);
  }

  private Mono<OperationResult> call(Workflow w, String instance, String kind, Operation op) {
    return broker.dispatch(
        instance, WorkflowRunner.commandId(w, instance), kind, false, op, STEP_TIMEOUT);
  }

  private List<String> withNew(Workflow w) {
    List<String> out = new ArrayList<>(list(w.param("nodes")));
    if (!out.contains(w.param("instance"))) {
      out.add(w.param("instance"));
    }
    return out;
  }

  private ClusterNodeAddress address(String instance) {
    InstanceStatus s = registry.require(instance);
    return ClusterNodeAddress.newBuilder()
        .setHost(s.getDatastore().getHost())
        .setPort(s.getDatastore().getPort())
        .setPeerPort(s.getDatastore().getPeerPort())
        .build();
  }

  private Optional<String> instanceAt(ClusterNodeAddress a) {
    return registry.list().stream()
        .filter(
            s ->
                s.getDatastore().getHost().equals(a.getHost())
                    && s.getDatastore().getPort() == a.getPort())
        .map(InstanceStatus::getInstanceId)
        .findFirst();
  }

  private static List<String> list(String csv) {
    return Arrays.asList(csv.split(","));
  }

  private static void requireClusters(InstanceStatus s) {
    if (!s.getCapabilitiesList().contains("create_cluster")) {
      throw Status.UNIMPLEMENTED
          .withDescription(
              "instance "
                  + s.getInstanceId()
                  + " ("
                  + s.getDatastore().getEngine()
                  + ") does not form clusters")
          .asRuntimeException();
    }
  }

  private static StatusRuntimeException invalid(String field, String problem) {
    return ApiErrors.invalidArgument(field, problem);
  }
}
