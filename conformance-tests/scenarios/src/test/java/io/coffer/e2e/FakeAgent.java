package io.coffer.e2e;

import com.google.rpc.Status;
import io.coffer.proto.v1.AgentFrame;
import io.coffer.proto.v1.AgentGatewayGrpc;
import io.coffer.proto.v1.Command;
import io.coffer.proto.v1.ControlFrame;
import io.coffer.proto.v1.Health;
import io.coffer.proto.v1.Heartbeat;
import io.coffer.proto.v1.Hello;
import io.coffer.proto.v1.OperationResult;
import io.coffer.proto.v1.Pong;
import io.coffer.proto.v1.Result;
import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A raw agent-channel client for security tests: it speaks the protocol directly, so a test can
 * make it misbehave (claim another id, answer another agent's command).
 */
public final class FakeAgent implements AutoCloseable {
  final BlockingQueue<ControlFrame> received = new LinkedBlockingQueue<>();
  final CompletableFuture<Throwable> closed = new CompletableFuture<>();
  private final ManagedChannel channel;
  private final StreamObserver<AgentFrame> out;

  /** How the fake agent treats what the control sends. */
  public enum Mode {
    /** Queue every frame for the test to inspect. */
    RECORD,
    /** Answer pings at once (a healthy agent), record the rest. */
    ANSWER_PINGS,
    /** Never read anything after the Welcome: gRPC flow control pushes back on the control. */
    STUCK
  }

  /**
   * Connects with the given client certificate (or none when {@code cert} is null) and says Hello.
   */
  FakeAgent(int port, Path caFile, Path cert, Path key, String claimedId) throws Exception {
    this(port, caFile, cert, key, claimedId, Mode.RECORD);
  }

  public FakeAgent(int port, Path caFile, Path cert, Path key, String claimedId, Mode mode)
      throws Exception {
    this(port, caFile, cert, key, claimedId, mode, UUID.randomUUID().toString(), 60_000);
  }

  /**
   * @param runId the Hello's agent_run_id: one per agent process
   * @param heartbeatMillis the interval the Hello announces; this fake sends one heartbeat only, so
   *     the control finds it silent after three of them
   */
  public FakeAgent(
      int port,
      Path caFile,
      Path cert,
      Path key,
      String claimedId,
      Mode mode,
      String runId,
      int heartbeatMillis)
      throws Exception {
    this(port, caFile, cert, key, claimedId, mode, runId, heartbeatMillis, h -> h);
  }

  /**
   * @param hello changes the Hello before it is sent (e.g. another plugin API version)
   */
  public FakeAgent(
      int port,
      Path caFile,
      Path cert,
      Path key,
      String claimedId,
      Mode mode,
      String runId,
      int heartbeatMillis,
      UnaryOperator<Hello.Builder> hello)
      throws Exception {
    SslContextBuilder ssl =
        GrpcSslContexts.forClient().trustManager(caFile.toFile()).protocols("TLSv1.3");
    if (cert != null) {
      ssl.keyManager(cert.toFile(), key.toFile());
    }
    channel = NettyChannelBuilder.forAddress("localhost", port).sslContext(ssl.build()).build();
    out =
        AgentGatewayGrpc.newStub(channel)
            .connect(
                new ClientResponseObserver<AgentFrame, ControlFrame>() {
                  @Override
                  public void beforeStart(ClientCallStreamObserver<AgentFrame> requests) {
                    if (mode == Mode.STUCK) {
                      requests.disableAutoRequestWithInitial(1); // the Welcome, then nothing
                    }
                  }

                  @Override
                  public void onNext(ControlFrame value) {
                    if (mode == Mode.ANSWER_PINGS
                        && value.hasCommand()
                        && value.getCommand().getOperation().hasPing()) {
                      sendResult(
                          Result.newBuilder()
                              .setCommandId(value.getCommand().getCommandId())
                              .setStatus(Status.newBuilder().setCode(0))
                              .setPayload(
                                  OperationResult.newBuilder()
                                      .setPong(
                                          Pong.newBuilder()
                                              .setPayload(
                                                  value
                                                      .getCommand()
                                                      .getOperation()
                                                      .getPing()
                                                      .getPayload())))
                              .build());
                      return;
                    }
                    received.add(value);
                  }

                  @Override
                  public void onError(Throwable t) {
                    closed.complete(t);
                  }

                  @Override
                  public void onCompleted() {
                    closed.complete(null);
                  }
                });
    send(
        AgentFrame.newBuilder()
            .setHello(
                hello.apply(
                    Hello.newBuilder()
                        .setInstanceId(claimedId)
                        .setAgentVersion("fake")
                        .setHeartbeatIntervalMillis(heartbeatMillis)
                        .setAgentRunId(runId)))
            .build());
    send(
        AgentFrame.newBuilder()
            .setHeartbeat(Heartbeat.newBuilder().setHealth(Health.HEALTH_HEALTHY))
            .build());
  }

  synchronized void send(AgentFrame frame) {
    out.onNext(frame);
  }

  void sendResult(Result result) {
    send(AgentFrame.newBuilder().setResult(result).build());
  }

  /** The next Command sent to this agent (skipping other frames). */
  Command nextCommand() throws InterruptedException {
    while (true) {
      ControlFrame f = received.poll(20, TimeUnit.SECONDS);
      if (f == null) {
        throw new AssertionError("no command received");
      }
      if (f.hasCommand()) {
        return f.getCommand();
      }
    }
  }

  /** The connection the stream runs on, for other calls on it. */
  public ManagedChannel channel() {
    return channel;
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
