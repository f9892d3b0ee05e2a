package io.coffer.control.northbound;

import io.coffer.control.cluster.ClusterManager;
import io.coffer.control.cluster.WholeClusterRecovery;
import io.coffer.control.status.ApiErrors;
import io.coffer.proto.v1.ClusterServiceGrpc;
import io.coffer.proto.v1.ClusterStatus;
import io.coffer.proto.v1.CreateClusterRequest;
import io.coffer.proto.v1.GetClusterRequest;
import io.coffer.proto.v1.GrowClusterRequest;
import io.coffer.proto.v1.RecoverClusterRequest;
import io.coffer.proto.v1.ShrinkClusterRequest;
import io.coffer.proto.v1.Workflow;
import io.grpc.stub.StreamObserver;

/**
 * Clusters (see northbound.proto); the workflows run in {@link ClusterManager} and {@link
 * WholeClusterRecovery}.
 */
public final class ClusterServiceImpl extends ClusterServiceGrpc.ClusterServiceImplBase {
  private final ClusterManager clusters;
  private final WholeClusterRecovery recovery;

  ClusterServiceImpl(ClusterManager clusters, WholeClusterRecovery recovery) {
    this.clusters = clusters;
    this.recovery = recovery;
  }

  @Override
  public void recoverCluster(RecoverClusterRequest request, StreamObserver<Workflow> out) {
    MonoReplies.reply(
        () ->
            recovery
                .start(
                    member(request.getMemberInstanceId()),
                    "asked by a person",
                    Requests.commandId(request.getOptions()))
                .map(w -> Workflows.toProto(clusters.runner(), w)),
        out);
  }

  @Override
  public void createCluster(CreateClusterRequest request, StreamObserver<Workflow> out) {
    MonoReplies.reply(
        () -> {
          for (int i = 0; i < request.getInstanceIdsCount(); i++) {
            Requests.instanceId(request.getInstanceIds(i));
          }
          return clusters
              .create(
                  request.getDatastore(),
                  request.getInstanceIdsList(),
                  request.getReplicasPerPrimary(),
                  Requests.commandId(request.getOptions()))
              .map(w -> Workflows.toProto(clusters.runner(), w));
        },
        out);
  }

  @Override
  public void growCluster(GrowClusterRequest request, StreamObserver<Workflow> out) {
    MonoReplies.reply(
        () ->
            clusters
                .grow(
                    member(request.getMemberInstanceId()),
                    Requests.instanceId(request.getInstanceId()),
                    Requests.commandId(request.getOptions()))
                .map(w -> Workflows.toProto(clusters.runner(), w)),
        out);
  }

  @Override
  public void shrinkCluster(ShrinkClusterRequest request, StreamObserver<Workflow> out) {
    MonoReplies.reply(
        () ->
            clusters
                .shrink(
                    member(request.getMemberInstanceId()),
                    Requests.instanceId(request.getInstanceId()),
                    Requests.commandId(request.getOptions()))
                .map(w -> Workflows.toProto(clusters.runner(), w)),
        out);
  }

  @Override
  public void getCluster(GetClusterRequest request, StreamObserver<ClusterStatus> out) {
    MonoReplies.reply(() -> clusters.status(member(request.getMemberInstanceId())), out);
  }

  private static String member(String id) {
    if (id.isEmpty()) {
      throw ApiErrors.invalidArgument("member_instance_id", "is required");
    }
    return Requests.instanceId(id);
  }
}
