package io.coffer.control.northbound;

import io.coffer.control.registry.AgentRegistry;
import io.coffer.proto.v1.CommandReply;
import io.coffer.proto.v1.GetInstanceRequest;
import io.coffer.proto.v1.InstanceServiceGrpc;
import io.coffer.proto.v1.InstanceStatus;
import io.coffer.proto.v1.ListInstancesRequest;
import io.coffer.proto.v1.ListInstancesResponse;
import io.coffer.proto.v1.Operation;
import io.coffer.proto.v1.RestartInstanceRequest;
import io.coffer.proto.v1.RestartServer;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import reactor.core.publisher.Mono;

/** Instances and their status, from the registry (no agent round trip), and server restarts. */
public final class InstanceServiceImpl extends InstanceServiceGrpc.InstanceServiceImplBase {
  private final AgentRegistry registry;
  private final AgentCalls calls;
  private final Duration restartTimeout;

  InstanceServiceImpl(AgentRegistry registry, AgentCalls calls, Duration restartTimeout) {
    this.registry = registry;
    this.calls = calls;
    this.restartTimeout = restartTimeout;
  }

  @Override
  public void restartInstance(RestartInstanceRequest request, StreamObserver<CommandReply> out) {
    MonoReplies.reply(
        () ->
            calls
                .call(
                    request.getInstanceId(),
                    request.getOptions(),
                    Operation.newBuilder()
                        .setRestartServer(RestartServer.getDefaultInstance())
                        .build(),
                    restartTimeout)
                .map(o -> CommandReply.newBuilder().setCommandId(o.commandId()).build()),
        out);
  }

  @Override
  public void listInstances(
      ListInstancesRequest request, StreamObserver<ListInstancesResponse> out) {
    MonoReplies.reply(
        () ->
            Mono.just(ListInstancesResponse.newBuilder().addAllInstances(registry.list()).build()),
        out);
  }

  @Override
  public void getInstance(GetInstanceRequest request, StreamObserver<InstanceStatus> out) {
    MonoReplies.reply(
        () -> {
          String id = Requests.instanceId(request.getInstanceId());
          return Mono.justOrEmpty(registry.status(id))
              .switchIfEmpty(Mono.error(() -> AgentRegistry.unknown(id)));
        },
        out);
  }
}
