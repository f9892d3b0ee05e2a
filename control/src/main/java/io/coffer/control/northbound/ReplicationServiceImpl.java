package io.coffer.control.northbound;

import io.coffer.control.registry.AgentRegistry;
import io.coffer.control.replication.ReplicationManager;
import io.coffer.control.workflow.Workflow;
import io.coffer.proto.v1.CreateReplicaRequest;
import io.coffer.proto.v1.EjectRequest;
import io.coffer.proto.v1.GetWorkflowRequest;
import io.coffer.proto.v1.InstanceStatus;
import io.coffer.proto.v1.ListReplicasRequest;
import io.coffer.proto.v1.ListReplicasResponse;
import io.coffer.proto.v1.PromoteRequest;
import io.coffer.proto.v1.RejoinReplicaRequest;
import io.coffer.proto.v1.RepairReplicaRequest;
import io.coffer.proto.v1.Replica;
import io.coffer.proto.v1.ReplicationServiceGrpc;
import io.grpc.stub.StreamObserver;
import reactor.core.publisher.Mono;

/** Replicas, switchover, failover, rejoin and repair (see northbound.proto); the workflows run in {@link ReplicationManager}. */
public final class ReplicationServiceImpl extends ReplicationServiceGrpc.ReplicationServiceImplBase {
  private final ReplicationManager replication;
  private final AgentRegistry registry;

  ReplicationServiceImpl(ReplicationManager replication, AgentRegistry registry) {
    this.replication = replication;
    this.registry = registry;
  }

  @Override
  public void createReplica(CreateReplicaRequest request, StreamObserver<io.coffer.proto.v1.Workflow> out) {
    Replies.reply(() -> {
      String source = Requests.instanceId(request.getSourceInstanceId());
      String replica = Requests.instanceId(request.getInstanceId());
      String id = Requests.commandId(request.getOptions());
      return replication.createReplica(source, replica, request.getSemiSync(), id).map(this::toProto);
    }, out);
  }

  @Override
  public void promote(PromoteRequest request, StreamObserver<io.coffer.proto.v1.Workflow> out) {
    Replies.reply(() -> {
      String replica = Requests.instanceId(request.getInstanceId());
      return replication.promote(replica, Requests.commandId(request.getOptions())).map(this::toProto);
    }, out);
  }

  @Override
  public void eject(EjectRequest request, StreamObserver<io.coffer.proto.v1.Workflow> out) {
    Replies.reply(() -> {
      String source = Requests.instanceId(request.getSourceInstanceId());
      return replication.eject(source, Requests.commandId(request.getOptions())).map(this::toProto);
    }, out);
  }

  @Override
  public void rejoinReplica(RejoinReplicaRequest request, StreamObserver<io.coffer.proto.v1.Workflow> out) {
    Replies.reply(() -> {
      String instance = Requests.instanceId(request.getInstanceId());
      String source = Requests.required("source_instance_id", request.getSourceInstanceId());
      return replication.rejoin(instance, source, Requests.commandId(request.getOptions())).map(this::toProto);
    }, out);
  }

  @Override
  public void repairReplica(RepairReplicaRequest request, StreamObserver<io.coffer.proto.v1.Workflow> out) {
    Replies.reply(() -> {
      String replica = Requests.instanceId(request.getInstanceId());
      return replication.repair(replica, request.getSemiSync(), Requests.commandId(request.getOptions()))
          .map(this::toProto);
    }, out);
  }

  @Override
  public void listReplicas(ListReplicasRequest request, StreamObserver<ListReplicasResponse> out) {
    Replies.reply(() -> {
      String source = Requests.instanceId(request.getSourceInstanceId());
      return replication.replicasOf(source).map(ids -> {
        ListReplicasResponse.Builder b = ListReplicasResponse.newBuilder();
        for (String id : ids) {
          Replica.Builder r = Replica.newBuilder().setInstanceId(id).setSourceInstanceId(source).setLagSeconds(-1);
          registry.status(id).ifPresent(s -> describe(r, s));
          b.addReplicas(r);
        }
        return b.build();
      });
    }, out);
  }

  private static void describe(Replica.Builder r, InstanceStatus s) {
    r.setState(s.getState()).setHealth(s.getHealth()).setRole(s.getRole()).setDetail(s.getDetail());
  }

  @Override
  public void getWorkflow(GetWorkflowRequest request, StreamObserver<io.coffer.proto.v1.Workflow> out) {
    Replies.reply(() -> {
      String id = Requests.required("workflow_id", request.getWorkflowId());
      return replication.runner().get(id).flatMap(w -> w.map(x -> Mono.just(toProto(x)))
          .orElseGet(() -> Mono.error(Errors.notFound("no workflow '" + id + "'"))));
    }, out);
  }

  private io.coffer.proto.v1.Workflow toProto(Workflow w) {
    return Workflows.toProto(replication.runner(), w);
  }
}
