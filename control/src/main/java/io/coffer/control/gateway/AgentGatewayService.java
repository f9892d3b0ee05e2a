package io.coffer.control.gateway;

import io.coffer.control.broker.Broker;
import io.coffer.control.events.EventKind;
import io.coffer.control.events.Events;
import io.coffer.control.ha.Leases;
import io.coffer.control.registry.AgentRegistry;
import io.coffer.control.registry.AgentSession;
import io.coffer.control.security.AgentAuthInterceptor;
import io.coffer.control.security.AgentCertificate;
import io.coffer.control.security.Identity;
import io.coffer.control.store.StateStore;
import io.coffer.proto.v1.AgentEvent;
import io.coffer.proto.v1.AgentFrame;
import io.coffer.proto.v1.AgentGatewayGrpc;
import io.coffer.proto.v1.ArchiveKey;
import io.coffer.proto.v1.ControlFrame;
import io.coffer.proto.v1.EventAck;
import io.coffer.proto.v1.Hello;
import io.coffer.proto.v1.Welcome;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;

/**
 * Serves {@code AgentGateway.Connect}: the first frame must be a Hello naming the instance of the
 * agent's certificate (another id is refused, PERMISSION_DENIED); the stream is then registered
 * under that instance (or refused, ALREADY_EXISTS, while another agent process serves it: see
 * {@link AgentRegistry#attach}), welcomed, and sent every command still waiting for it.
 */
public final class AgentGatewayService extends AgentGatewayGrpc.AgentGatewayImplBase {
  private static final Logger log = LoggerFactory.getLogger(AgentGatewayService.class);

  private final AgentRegistry registry;
  private final Broker broker;
  private final StateStore store;
  private final Clock clock;
  private final ArchiveKey archiveKey;
  private final Events events;
  private final Leases leases;
  private final SeenEvents seenEvents = new SeenEvents();

  /**
   * @param archiveKey the public log archive key every agent gets in its Welcome
   * @param events where agent events and identity conflicts are published
   */
  public AgentGatewayService(
      AgentRegistry registry,
      Broker broker,
      StateStore store,
      Clock clock,
      ArchiveKey archiveKey,
      Events events,
      Leases leases) {
    this.leases = leases;
    this.events = events;
    this.archiveKey = archiveKey;
    this.registry = registry;
    this.broker = broker;
    this.store = store;
    this.clock = clock;
  }

  @Override
  public StreamObserver<AgentFrame> connect(StreamObserver<ControlFrame> responses) {
    Identity identity = AgentAuthInterceptor.IDENTITY.get();
    AgentCertificate certificate = AgentAuthInterceptor.CERTIFICATE.get();
    ServerCallStreamObserver<ControlFrame> out = (ServerCallStreamObserver<ControlFrame>) responses;
    AtomicReference<AgentSession> current = new AtomicReference<>();
    // must be set before this method returns; the session exists only after the Hello
    out.setOnReadyHandler(
        () -> {
          AgentSession s = current.get();
          if (s != null) {
            s.drain();
          }
        });
    Object remote = AgentAuthInterceptor.REMOTE_ADDRESS.get();
    return new StreamObserver<>() {
      private AgentSession session;
      private boolean refused;
      private Disposable expiry;

      @Override
      public void onNext(AgentFrame frame) {
        if (refused) {
          return; // frames the agent sent before it saw the refusal
        }
        if (session == null) {
          if (!frame.hasHello()) {
            out.onError(
                Status.INVALID_ARGUMENT
                    .withDescription("the first frame must be a Hello")
                    .asRuntimeException());
            refused = true;
            return;
          }
          open(frame);
          return;
        }
        switch (frame.getFrameCase()) {
          case HEARTBEAT -> {
            registry.heartbeat(session, frame.getHeartbeat());
            leases
                .answer(session.instanceId(), frame.getHeartbeat())
                .ifPresent(l -> session.send(ControlFrame.newBuilder().setLease(l).build()));
          }
          case RESULT -> broker.onResult(session, frame.getResult());
          case PROGRESS -> broker.onProgress(session, frame.getProgress());
          case EVENT -> agentEvent(session, frame.getEvent());
          case HELLO -> log.warn("{} sent a second Hello; ignored", session.instanceId());
          default -> log.warn("{} sent an unknown frame; ignored", session.instanceId());
        }
      }

      private void open(AgentFrame frame) {
        var hello = frame.getHello();
        if (!hello.getInstanceId().equals(identity.name())) {
          log.warn(
              "SECURITY: refused an agent from {} whose certificate is for instance {} but which says it is '{}'",
              remote,
              identity.name(),
              hello.getInstanceId());
          out.onError(
              Status.PERMISSION_DENIED
                  .withDescription(
                      "this agent's certificate is for instance '"
                          + identity.name()
                          + "' but its Hello says '"
                          + hello.getInstanceId()
                          + "'; an agent runs only as the instance its certificate names")
                  .asRuntimeException());
          refused = true;
          return;
        }
        Optional<String> unsupported = PluginApiSupport.refusal(hello);
        if (unsupported.isPresent()) {
          log.warn(
              "refused agent {} (agent {}): {}",
              identity.name(),
              hello.getAgentVersion(),
              unsupported.get());
          out.onError(
              Status.FAILED_PRECONDITION.withDescription(unsupported.get()).asRuntimeException());
          refused = true;
          return;
        }
        AgentSession candidate =
            new AgentSession(
                identity.name(),
                hello,
                clock.instant(),
                out,
                certificate.serial(),
                certificate.notAfter());
        Optional<AgentSession> other = registry.attach(candidate);
        if (other.isPresent()) {
          Hello live = other.get().hello();
          log.warn(
              "SECURITY: refused a second agent for instance {} from {} (run {}): another agent (run {}, "
                  + "connected since {}) holds a live stream with the same certificate; two agents share one identity",
              identity.name(),
              remote,
              hello.getAgentRunId(),
              live.getAgentRunId(),
              other.get().connectedAt());
          events.publish(
              EventKind.IDENTITY_CONFLICT,
              identity.name(),
              "a second agent holding the certificate of "
                  + identity.name()
                  + " was refused; two agents share one identity",
              Map.of(
                  "refused_run",
                  hello.getAgentRunId(),
                  "serving_run",
                  live.getAgentRunId(),
                  "refused_address",
                  String.valueOf(remote)));
          out.onError(
              Status.ALREADY_EXISTS
                  .withDescription(
                      "instance '"
                          + identity.name()
                          + "' is already served by another agent (run "
                          + live.getAgentRunId()
                          + ", connected since "
                          + other.get().connectedAt()
                          + "); two agents must not share one certificate: stop one of them")
                  .asRuntimeException());
          refused = true;
          return;
        }
        session = candidate;
        current.set(session);
        AgentSession opened = session;
        Schedulers.boundedElastic()
            .schedule(
                () -> {
                  try {
                    store.saveInstance(
                        opened.instanceId(),
                        hello,
                        clock.instant(),
                        new StateStore.KnownCertificate(
                            certificate.serial(), certificate.notAfter()));
                  } catch (RuntimeException e) {
                    log.error("cannot remember instance {}", opened.instanceId(), e);
                  }
                });
        session.send(
            ControlFrame.newBuilder()
                .setWelcome(
                    leases.welcome(
                        identity.name(),
                        Welcome.newBuilder()
                            .setInstanceId(identity.name())
                            .setArchiveKey(archiveKey)))
                .build());
        log.info(
            "agent {} connected with certificate {} (agent {}, {} {}, {} unacknowledged results)",
            identity.name(),
            certificate.serial(),
            hello.getAgentVersion(),
            hello.getDatastore().getEngine(),
            hello.getDatastore().getVersion(),
            hello.getUnacknowledgedCommandIdsCount());
        broker.onConnected(session);
        expiry = closeAtExpiry(opened);
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
        if (expiry != null) {
          expiry.dispose();
        }
        if (session != null) {
          session.markClosed();
          registry.detach(session);
          log.info("agent {} disconnected", session.instanceId());
        }
      }
    };
  }

  /**
   * Closes the stream when the certificate it was opened with expires: no connection outlives its
   * certificate. An agent renews at two thirds of the lifetime, so it reconnects at once with the
   * new certificate; its commands survive the reconnect as they survive any other (journaled and
   * re-sent, results replayed).
   */
  private Disposable closeAtExpiry(AgentSession session) {
    long millis =
        Math.max(0, Duration.between(clock.instant(), session.certificateNotAfter()).toMillis());
    return Schedulers.parallel()
        .schedule(
            () -> {
              if (!session.isOpen()) {
                return;
              }
              log.info(
                  "the certificate {} of instance {} expired at {}; closing its stream (the agent"
                      + " reconnects with its renewed certificate)",
                  session.certificateSerial(),
                  session.instanceId(),
                  session.certificateNotAfter());
              session.close(
                  Status.UNAUTHENTICATED.withDescription(
                      "the certificate this stream was opened with expired at "
                          + session.certificateNotAfter()
                          + "; reconnect with the renewed one"));
              registry.detach(session);
            },
            millis,
            TimeUnit.MILLISECONDS);
  }

  /**
   * An event the agent noticed, journaled for its instance once per event id, then acknowledged;
   * kinds agents may not report are dropped (and acknowledged: sending them again changes nothing).
   */
  private void agentEvent(AgentSession session, AgentEvent event) {
    String instanceId = session.instanceId();
    boolean first =
        event.getEventId().isEmpty() || seenEvents.firstTime(instanceId, event.getEventId());
    if (first) {
      EventKind.of(event.getKind())
          .filter(EventKind.FROM_AGENTS::contains)
          .ifPresentOrElse(
              kind -> events.publish(kind, instanceId, event.getMessage(), event.getDetailsMap()),
              () ->
                  log.warn(
                      "{} reported an event of kind '{}', which agents do not report; dropped",
                      instanceId,
                      event.getKind()));
    }
    if (!event.getEventId().isEmpty()) {
      session.send(
          ControlFrame.newBuilder()
              .setEventAck(EventAck.newBuilder().setEventId(event.getEventId()))
              .build());
    }
  }
}
