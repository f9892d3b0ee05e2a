package io.coffer.control.gateway;

import io.coffer.control.broker.Broker;
import io.coffer.control.registry.AgentRegistry;
import io.coffer.control.registry.AgentSession;
import io.coffer.control.security.AgentAuthInterceptor;
import io.coffer.control.security.Identity;
import io.coffer.control.store.StateStore;
import io.coffer.proto.v1.AgentFrame;
import io.coffer.proto.v1.AgentGatewayGrpc;
import io.coffer.proto.v1.ArchiveKey;
import io.coffer.proto.v1.ControlFrame;
import io.coffer.proto.v1.Welcome;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.scheduler.Schedulers;

/**
 * Serves {@code AgentGateway.Connect}: the first frame must be a Hello; the stream is then
 * registered under the instance id of the agent's certificate (a Hello claiming another id is only
 * logged), welcomed, and sent every command still waiting for it.
 */
public final class AgentGatewayService extends AgentGatewayGrpc.AgentGatewayImplBase {
  private static final Logger log = LoggerFactory.getLogger(AgentGatewayService.class);

  private final AgentRegistry registry;
  private final Broker broker;
  private final StateStore store;
  private final Clock clock;
  private final ArchiveKey archiveKey;

  /** @param archiveKey the public log archive key every agent gets in its Welcome */
  public AgentGatewayService(AgentRegistry registry, Broker broker, StateStore store, Clock clock,
      ArchiveKey archiveKey) {
    this.archiveKey = archiveKey;
    this.registry = registry;
    this.broker = broker;
    this.store = store;
    this.clock = clock;
  }

  @Override
  public StreamObserver<AgentFrame> connect(StreamObserver<ControlFrame> responses) {
    Identity identity = AgentAuthInterceptor.IDENTITY.get();
    ServerCallStreamObserver<ControlFrame> out = (ServerCallStreamObserver<ControlFrame>) responses;
    AtomicReference<AgentSession> current = new AtomicReference<>();
    // must be set before this method returns; the session exists only after the Hello
    out.setOnReadyHandler(() -> {
      AgentSession s = current.get();
      if (s != null) {
        s.drain();
      }
    });
    return new StreamObserver<>() {
      private AgentSession session;

      @Override
      public void onNext(AgentFrame frame) {
        if (session == null) {
          if (!frame.hasHello()) {
            out.onError(Status.INVALID_ARGUMENT.withDescription("the first frame must be a Hello").asRuntimeException());
            return;
          }
          open(frame);
          return;
        }
        switch (frame.getFrameCase()) {
          case HEARTBEAT -> registry.heartbeat(session, frame.getHeartbeat());
          case RESULT -> broker.onResult(session, frame.getResult());
          case PROGRESS -> broker.onProgress(session, frame.getProgress());
          case EVENT -> log.info("{} event {}: {}", session.instanceId(), frame.getEvent().getKind(), frame.getEvent().getMessage());
          case HELLO -> log.warn("{} sent a second Hello; ignored", session.instanceId());
          default -> log.warn("{} sent an unknown frame; ignored", session.instanceId());
        }
      }

      private void open(AgentFrame frame) {
        var hello = frame.getHello();
        if (!hello.getInstanceId().isEmpty() && !hello.getInstanceId().equals(identity.name())) {
          log.warn("agent with certificate for {} says it is {}; the certificate wins", identity.name(), hello.getInstanceId());
        }
        session = new AgentSession(identity.name(), hello, clock.instant(), out);
        current.set(session);
        registry.attach(session);
        AgentSession opened = session;
        Schedulers.boundedElastic().schedule(() -> {
          try {
            store.saveInstance(opened.instanceId(), hello, clock.instant());
          } catch (RuntimeException e) {
            log.error("cannot remember instance {}", opened.instanceId(), e);
          }
        });
        session.send(ControlFrame.newBuilder().setWelcome(Welcome.newBuilder().setInstanceId(identity.name())
            .setArchiveKey(archiveKey)).build());
        log.info("agent {} connected (agent {}, {} {}, {} unacknowledged results)", identity.name(), hello.getAgentVersion(),
            hello.getDatastore().getEngine(), hello.getDatastore().getVersion(), hello.getUnacknowledgedCommandIdsCount());
        broker.onConnected(session);
      }

      @Override
      public void onError(Throwable t) {
        close();
      }

      @Override
      public void onCompleted() {
        close();
        try {
          out.onCompleted();
        } catch (RuntimeException ignored) {
          // already closed
        }
      }

      private void close() {
        if (session != null) {
          session.markClosed();
          registry.detach(session);
          log.info("agent {} disconnected", session.instanceId());
        }
      }
    };
  }
}
