package io.coffer.agent.channel;

import io.coffer.agent.archive.ArchiveKeys;
import io.coffer.agent.command.CommandExecutor;
import io.coffer.agent.config.AgentConfig;
import io.coffer.agent.ha.LeaseKeeper;
import io.coffer.agent.identity.AgentKeyManager;
import io.coffer.agent.journal.JobJournal;
import io.coffer.proto.v1.AgentEvent;
import io.coffer.proto.v1.AgentFrame;
import io.coffer.proto.v1.AgentGatewayGrpc;
import io.coffer.proto.v1.ArchiveKey;
import io.coffer.proto.v1.Command;
import io.coffer.proto.v1.ControlFrame;
import io.coffer.proto.v1.Heartbeat;
import io.coffer.proto.v1.Hello;
import io.coffer.proto.v1.Result;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * The agent's end of the agent channel: dials OUT to the control, keeps one {@code Connect} stream
 * open, and reconnects with exponential backoff and full jitter (capped by {@code
 * control.maxBackoff}, 30 s by default) whenever it breaks.
 *
 * <p>Each stream starts with a Hello listing the command ids whose results the control has not
 * acknowledged, followed by those results from the journal; then heartbeats flow every {@code
 * heartbeatInterval} and commands are executed as they arrive.
 */
public final class ControlChannel implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlChannel.class);

  /**
   * Commands this agent accepts at once. It reads the next frame only when one finishes, so gRPC
   * flow control pushes back on the control instead of commands piling up in the agent.
   */
  static final int MAX_IN_FLIGHT = 32;

  private final AgentConfig config;
  private final Supplier<Hello.Builder> hello;
  private final Supplier<Mono<Heartbeat>> heartbeat;
  private final CommandExecutor executor;
  private final JobJournal journal;
  private final ArchiveKeys archiveKeys;
  private final LeaseKeeper lease;

  /**
   * Events the control has not acknowledged yet, by event id in the order reported: sent when
   * reported, and again after each Welcome, until acknowledged (at most {@value
   * #MAX_PENDING_EVENTS} kept; the oldest are dropped).
   */
  private final Map<String, AgentEvent> unacknowledged = new LinkedHashMap<>();

  static final int MAX_PENDING_EVENTS = 100;

  private final ManagedChannel channel;
  private final Backoff backoff;
  private final Sinks.Many<Boolean> connected = Sinks.many().replay().latest();

  /** The stream results and events go to: the newest one, once its Hello is out. */
  private volatile Session session;

  /** The newest stream, from its start: only its end calls for a reconnect. */
  private volatile Session latest;

  private volatile boolean stopping;
  private Disposable progressFrames;

  /**
   * The transport to the control, connecting already: {@link ControlChannel} opens its stream on
   * it. Start it first thing, so the agent's other start-up work overlaps the TLS set-up and
   * handshake.
   */
  public static CompletableFuture<ManagedChannel> dial(AgentConfig config, AgentKeyManager keys) {
    return ChannelFactory.dial(config.control(), keys);
  }

  /**
   * @param transport from {@link #dial}; this channel shuts it down when it closes
   * @param hello a Hello with everything but the unacknowledged command ids
   * @param heartbeat probes the datastore; must not block
   * @throws IOException when the agent's TLS files cannot be loaded
   */
  public ControlChannel(
      AgentConfig config,
      CompletableFuture<ManagedChannel> transport,
      Supplier<Hello.Builder> hello,
      Supplier<Mono<Heartbeat>> heartbeat,
      CommandExecutor executor,
      JobJournal journal,
      ArchiveKeys archiveKeys,
      LeaseKeeper lease)
      throws IOException {
    this.lease = lease;
    this.archiveKeys = archiveKeys;
    this.config = config;
    this.hello = hello;
    this.heartbeat = heartbeat;
    this.executor = executor;
    this.journal = journal;
    try {
      this.channel = transport.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof UncheckedIOException io) {
        throw io.getCause();
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
    this.backoff = new Backoff(Duration.ofMillis(250), config.control().maxBackoff());
    connected.tryEmitNext(false);
  }

  private void keepArchiveKey(ArchiveKey key) {
    try {
      archiveKeys.update(key.getKeyId(), key.getKeyset().toByteArray());
    } catch (IOException | RuntimeException e) {
      log.error(
          "cannot keep the log archive key {} the control sent: {}",
          key.getKeyId(),
          e.getMessage());
    }
  }

  public void start() {
    // progress is best effort: frames for a stream that is down are dropped, the next ones follow
    progressFrames =
        executor
            .progress()
            .subscribe(
                p -> {
                  Session s = session;
                  if (s != null) {
                    s.send(AgentFrame.newBuilder().setProgress(p).build());
                  }
                });
    connect();
  }

  /** true while a stream is open and welcomed by the control. */
  public Flux<Boolean> connected() {
    return connected.asFlux();
  }

  private void connect() {
    if (stopping) {
      return;
    }
    Session s = new Session();
    latest = s;
    AgentGatewayGrpc.newStub(channel).connect(s);
    List<Result> pending = journal.unacknowledged();
    s.send(
        AgentFrame.newBuilder()
            .setHello(
                hello
                    .get()
                    .clearUnacknowledgedCommandIds()
                    .addAllUnacknowledgedCommandIds(
                        pending.stream().map(Result::getCommandId).toList())
                    .setJournalFormat(JobJournal.FORMAT))
            .build());
    pending.forEach(r -> s.send(AgentFrame.newBuilder().setResult(r).build()));
    // published only now, so that a result finishing meanwhile never goes out before the Hello
    session = s;
    s.heartbeats =
        Flux.interval(Duration.ZERO, config.heartbeatInterval())
            .onBackpressureDrop()
            .concatMap(i -> heartbeat.get(), 1)
            .subscribe(
                hb -> {
                  lease.heartbeatSent(hb.getSequence());
                  s.send(AgentFrame.newBuilder().setHeartbeat(hb).build());
                },
                e -> log.error("heartbeat stopped", e));
    if (s.isClosed()) {
      s.heartbeats.dispose(); // the stream died while it was being set up
    }
  }

  /**
   * Moves to a new connection, make before break: the open stream stays on its connection while a
   * new one is dialed (with the agent's current certificate: called after a renewal) and a new
   * stream opened on it; the control then replaces the older stream of this agent process (same
   * agent_run_id) and closes it. Commands running go on and their results take the new stream (the
   * journal replays any the old one did not carry).
   */
  public void reconnect(String why) {
    if (stopping) {
      return;
    }
    log.info("moving to a new connection to the control: {}", why);
    channel.enterIdle(); // in-flight calls keep their connection; the next call makes a new one
    connect();
  }

  private void reconnectLater(Throwable cause) {
    connected.tryEmitNext(false);
    if (stopping) {
      return;
    }
    Duration wait = backoff.next();
    Status status =
        cause == null
            ? Status.UNAVAILABLE.withDescription("stream closed by the control")
            : Status.fromThrowable(cause);
    if (status.getCode() == Status.Code.ALREADY_EXISTS
        || status.getCode() == Status.Code.PERMISSION_DENIED
        || status.getCode() == Status.Code.FAILED_PRECONDITION) {
      // not a network fault: the control refuses this agent's identity (e.g. another agent holds
      // it) or its version (a plugin API it does not support)
      log.error(
          "the control at {}:{} refuses this agent ({}: {}); trying again in {} ms",
          config.control().host(),
          config.control().port(),
          status.getCode(),
          status.getDescription(),
          wait.toMillis());
    } else {
      log.warn(
          "agent channel to {}:{} down ({}: {}); reconnecting in {} ms",
          config.control().host(),
          config.control().port(),
          status.getCode(),
          status.getDescription(),
          wait.toMillis());
    }
    Schedulers.parallel().schedule(this::connect, wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Reports an event to the control: now when a stream is welcomed, and again after each later
   * Welcome until the control acknowledges it (a stream may be dead before the agent notices).
   */
  public void report(AgentEvent event) {
    AgentEvent e =
        event.getEventId().isEmpty()
            ? event.toBuilder().setEventId(UUID.randomUUID().toString()).build()
            : event;
    synchronized (unacknowledged) {
      unacknowledged.put(e.getEventId(), e);
      Iterator<String> oldest = unacknowledged.keySet().iterator();
      while (unacknowledged.size() > MAX_PENDING_EVENTS) {
        oldest.next();
        oldest.remove();
      }
    }
    Session s = session;
    if (s != null && s.welcomed && !s.isClosed()) {
      s.send(AgentFrame.newBuilder().setEvent(e).build());
    }
  }

  /** Sends every unacknowledged event on a newly welcomed stream. */
  private void resendEvents(Session s) {
    List<AgentEvent> pending;
    synchronized (unacknowledged) {
      pending = List.copyOf(unacknowledged.values());
    }
    for (AgentEvent e : pending) {
      if (s.isClosed()) {
        return;
      }
      s.send(AgentFrame.newBuilder().setEvent(e).build());
    }
  }

  private void acknowledged(String eventId) {
    synchronized (unacknowledged) {
      unacknowledged.remove(eventId);
    }
  }

  /**
   * Sends a result on whichever stream is open now; if none is, the journal keeps it for the next.
   */
  private void deliver(Result result) {
    AgentFrame frame = AgentFrame.newBuilder().setResult(result).build();
    Session s = session;
    if (s != null) {
      s.send(frame);
      Session now = session;
      if (now != s && now != null) {
        now.send(frame); // a new stream took over meanwhile; the control ignores a duplicate
      }
    }
  }

  private void onCommand(Command command, Runnable done) {
    executor
        .execute(command)
        .doFinally(signal -> done.run())
        .subscribe(
            this::deliver,
            e -> log.error("command {} produced no result", command.getCommandId(), e));
  }

  @Override
  public void close() {
    stopping = true;
    if (progressFrames != null) {
      progressFrames.dispose();
    }
    Session s = session;
    if (s != null) {
      s.end(true);
    }
    channel.shutdown();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    channel.shutdownNow();
  }

  /** One Connect stream. */
  private final class Session implements ClientResponseObserver<AgentFrame, ControlFrame> {
    private ClientCallStreamObserver<AgentFrame> out;
    private volatile Disposable heartbeats;
    private boolean closed;
    private volatile boolean welcomed;

    @Override
    public void beforeStart(ClientCallStreamObserver<AgentFrame> requestStream) {
      this.out = requestStream;
      requestStream.disableAutoRequestWithInitial(MAX_IN_FLIGHT);
    }

    private void requestNext() {
      try {
        out.request(1);
      } catch (RuntimeException e) {
        // the stream is gone; a new session asks for its own frames
      }
    }

    synchronized void send(AgentFrame frame) {
      if (!closed) {
        out.onNext(frame);
      }
    }

    @Override
    public void onNext(ControlFrame frame) {
      switch (frame.getFrameCase()) {
        case WELCOME -> {
          // before any command of this stream: the term decides which of them may run
          lease.welcomed(frame.getWelcome().getTerm(), frame.getWelcome().getDeposed());
          welcomed = true;
          resendEvents(this);
          backoff.reset();
          connected.tryEmitNext(true);
          log.info("connected to the control as instance {}", frame.getWelcome().getInstanceId());
          if (frame.getWelcome().hasArchiveKey()) {
            ArchiveKey key = frame.getWelcome().getArchiveKey();
            // a file write: keep it off the gRPC event loop
            Schedulers.boundedElastic().schedule(() -> keepArchiveKey(key));
          }
        }
        case COMMAND -> {
          onCommand(frame.getCommand(), this::requestNext);
          return;
        }
        case RESULT_ACK -> {
          String id = frame.getResultAck().getCommandId();
          // a journal write: keep it off the gRPC event loop
          Schedulers.boundedElastic().schedule(() -> journal.acknowledge(id));
        }
        case EVENT_ACK -> acknowledged(frame.getEventAck().getEventId());
        case CANCEL -> executor.cancel(frame.getCancel().getCommandId());
        case LEASE -> lease.onLease(frame.getLease());
        default -> log.warn("ignoring unknown control frame {}", frame.getFrameCase());
      }
      requestNext();
    }

    @Override
    public void onError(Throwable t) {
      if (end(false) && this == latest) {
        reconnectLater(t);
      } // else a stream a newer one replaced: its end is expected
    }

    @Override
    public void onCompleted() {
      if (end(false) && this == latest) {
        reconnectLater(null);
      }
    }

    synchronized boolean isClosed() {
      return closed;
    }

    /**
     * @return true the first time
     */
    synchronized boolean end(boolean halfClose) {
      if (closed) {
        return false;
      }
      closed = true;
      if (heartbeats != null) {
        heartbeats.dispose();
      }
      if (halfClose) {
        out.onCompleted();
      }
      return true;
    }
  }
}
