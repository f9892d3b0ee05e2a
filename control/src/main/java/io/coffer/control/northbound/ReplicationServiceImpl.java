package io.coffer.control.northbound;

import io.coffer.control.ha.Failover;
import io.coffer.control.registry.AgentRegistry;
import io.coffer.control.replication.HaSettings;
import io.coffer.control.replication.ReplicationManager;
import io.coffer.control.replication.Topology;
import io.coffer.control.replication.Topology.Group;
import io.coffer.control.status.ApiErrors;
import io.coffer.control.workflow.Workflow;
import io.coffer.proto.v1.CreateReplicaRequest;
import io.coffer.proto.v1.EjectRequest;
import io.coffer.proto.v1.GetHaSettingsRequest;
import io.coffer.proto.v1.GetWorkflowRequest;
import io.coffer.proto.v1.InstanceStatus;
import io.coffer.proto.v1.ListReplicasRequest;
import io.coffer.proto.v1.ListReplicasResponse;
import io.coffer.proto.v1.PromoteRequest;
import io.coffer.proto.v1.RejoinReplicaRequest;
import io.coffer.proto.v1.RepairReplicaRequest;
import io.coffer.proto.v1.Replica;
import io.coffer.proto.v1.ReplicationServiceGrpc;
import io.coffer.proto.v1.SetHaSettingsRequest;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Replicas, switchover, failover, rejoin and repair (see northbound.proto); the workflows run in
 * {@link ReplicationManager}.
 */
public final class ReplicationServiceImpl
    extends ReplicationServiceGrpc.ReplicationServiceImplBase {
  private final ReplicationManager replication;
  private final Failover failover;
  private final Topology topology;
  private final AgentRegistry registry;

  ReplicationServiceImpl(
      ReplicationManager replication,
      Failover failover,
      Topology topology,
      AgentRegistry registry) {
    this.replication = replication;
    this.failover = failover;
    this.topology = topology;
    this.registry = registry;
  }

  @Override
  public void createReplica(
      CreateReplicaRequest request, StreamObserver<io.coffer.proto.v1.Workflow> out) {
    MonoReplies.reply(
        () -> {
          String source = Requests.instanceId(request.getSourceInstanceId());
          String replica = Requests.instanceId(request.getInstanceId());
          String id = Requests.commandId(request.getOptions());
          return replication
              .createReplica(source, replica, request.getSemiSync(), id)
              .map(this::toProto);
        },
        out);
  }

  @Override
  public void promote(PromoteRequest request, StreamObserver<io.coffer.proto.v1.Workflow> out) {
    MonoReplies.reply(
        () -> {
          String replica = Requests.instanceId(request.getInstanceId());
          return replication
              .promote(replica, Requests.commandId(request.getOptions()))
              .map(this::toProto);
        },
        out);
  }

  @Override
  public void eject(EjectRequest request, StreamObserver<io.coffer.proto.v1.Workflow> out) {
    MonoReplies.reply(
        () -> {
          String source = Requests.instanceId(request.getSourceInstanceId());
          return failover
              .eject(source, request.getForce(), Requests.commandId(request.getOptions()))
              .map(this::toProto);
        },
        out);
  }

  @Override
  public void rejoinReplica(
      RejoinReplicaRequest request, StreamObserver<io.coffer.proto.v1.Workflow> out) {
    MonoReplies.reply(
        () -> {
          String instance = Requests.instanceId(request.getInstanceId());
          String source = Requests.required("source_instance_id", request.getSourceInstanceId());
          return replication
              .rejoin(instance, source, Requests.commandId(request.getOptions()))
              .map(this::toProto);
        },
        out);
  }

  @Override
  public void repairReplica(
      RepairReplicaRequest request, StreamObserver<io.coffer.proto.v1.Workflow> out) {
    MonoReplies.reply(
        () -> {
          String replica = Requests.instanceId(request.getInstanceId());
          return replication
              .repair(replica, request.getSemiSync(), Requests.commandId(request.getOptions()))
              .map(this::toProto);
        },
        out);
  }

  @Override
  public void listReplicas(ListReplicasRequest request, StreamObserver<ListReplicasResponse> out) {
    MonoReplies.reply(
        () -> {
          String source = Requests.instanceId(request.getSourceInstanceId());
          return replication
              .replicasOf(source)
              .map(
                  ids -> {
                    ListReplicasResponse.Builder b = ListReplicasResponse.newBuilder();
                    for (String id : ids) {
                      Replica.Builder r =
                          Replica.newBuilder()
                              .setInstanceId(id)
                              .setSourceInstanceId(source)
                              .setLagSeconds(-1);
                      registry.status(id).ifPresent(s -> describe(r, s));
                      b.addReplicas(r);
                    }
                    return b.build();
                  });
        },
        out);
  }

  private static void describe(Replica.Builder r, InstanceStatus s) {
    r.setState(s.getState()).setHealth(s.getHealth()).setRole(s.getRole()).setDetail(s.getDetail());
  }

  @Override
  public void setHaSettings(
      SetHaSettingsRequest r, StreamObserver<io.coffer.proto.v1.HaSettings> out) {
    MonoReplies.reply(
        () -> {
          String primary = Requests.instanceId(r.getSourceInstanceId());
          return Mono.fromCallable(
                  () -> {
                    HaSettings now = group(primary).settings();
                    HaSettings next =
                        new HaSettings(
                            r.hasEnabled() ? r.getEnabled() : now.enabled(),
                            r.hasDetectionWindowMillis()
                                ? Duration.ofMillis(r.getDetectionWindowMillis())
                                : now.detectionWindow(),
                            r.hasMaxLagMillis()
                                ? Duration.ofMillis(r.getMaxLagMillis())
                                : now.maxLag(),
                            r.hasLeaseMillis()
                                ? Duration.ofMillis(r.getLeaseMillis())
                                : now.lease());
                    String problem = next.problem();
                    if (!problem.isEmpty()) {
                      int colon = problem.indexOf(':');
                      throw ApiErrors.invalidArgument(
                          problem.substring(0, colon), problem.substring(colon + 2));
                    }
                    topology.setSettings(primary, next);
                    return toProto(group(primary));
                  })
              .subscribeOn(Schedulers.boundedElastic());
        },
        out);
  }

  @Override
  public void getHaSettings(
      GetHaSettingsRequest r, StreamObserver<io.coffer.proto.v1.HaSettings> out) {
    MonoReplies.reply(
        () -> {
          String primary = Requests.instanceId(r.getSourceInstanceId());
          return Mono.fromCallable(() -> toProto(group(primary)))
              .subscribeOn(Schedulers.boundedElastic());
        },
        out);
  }

  private Group group(String primary) {
    registry.require(primary);
    return topology
        .group(primary)
        .orElseThrow(
            () ->
                ApiErrors.notFound(
                    "instance '" + primary + "' leads no replication group (it has no replica)"));
  }

  private io.coffer.proto.v1.HaSettings toProto(Group g) {
    List<String> deposed =
        topology.deposed().entrySet().stream()
            .filter(e -> e.getValue().primary().equals(g.primary()))
            .map(Map.Entry::getKey)
            .sorted()
            .toList();
    return io.coffer.proto.v1.HaSettings.newBuilder()
        .setPrimaryInstanceId(g.primary())
        .setTerm(g.term())
        .setEnabled(g.settings().enabled())
        .setDetectionWindowMillis((int) g.settings().detectionWindow().toMillis())
        .setMaxLagMillis((int) g.settings().maxLag().toMillis())
        .setLeaseMillis((int) g.settings().lease().toMillis())
        .addAllDeposedInstanceIds(deposed)
        .build();
  }

  @Override
  public void getWorkflow(
      GetWorkflowRequest request, StreamObserver<io.coffer.proto.v1.Workflow> out) {
    MonoReplies.reply(
        () -> {
          String id = Requests.required("workflow_id", request.getWorkflowId());
          return replication
              .runner()
              .get(id)
              .flatMap(
                  w ->
                      w.map(x -> Mono.just(toProto(x)))
                          .orElseGet(
                              () -> Mono.error(ApiErrors.notFound("no workflow '" + id + "'"))));
        },
        out);
  }

  private io.coffer.proto.v1.Workflow toProto(Workflow w) {
    return Workflows.toProto(replication.runner(), w);
  }
}
