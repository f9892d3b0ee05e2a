package io.coffer.control.registry;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import io.coffer.control.store.StateStore;
import io.coffer.proto.v1.Datastore;
import io.coffer.proto.v1.Heartbeat;
import io.coffer.proto.v1.Hello;
import io.coffer.proto.v1.InstanceState;
import io.coffer.proto.v1.InstanceStatus;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * What the control knows about each instance: its open agent session (at most one; see {@link
 * #attach} for which of two streams wins), its latest Hello and heartbeat. An instance is CONNECTED
 * while its stream is open and heartbeats arrive; after {@code heartbeatMisses} missed intervals,
 * or when the stream closes, it is UNREACHABLE.
 */
public final class AgentRegistry {
  private final ConcurrentMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final Clock clock;
  private final int heartbeatMisses;

  public AgentRegistry(Clock clock, int heartbeatMisses) {
    this.clock = clock;
    this.heartbeatMisses = heartbeatMisses;
  }

  private static final class Entry {
    volatile AgentSession session;
    volatile Hello hello;
    volatile Heartbeat heartbeat;
    volatile Instant lastSeen;
    volatile String certificateSerial;
    volatile Instant certificateNotAfter;
  }

  /** An instance known from an earlier run of the control, its certificate unknown. */
  public void remember(String instanceId, Hello hello, Instant lastConnected) {
    remember(new StateStore.KnownInstance(instanceId, hello, lastConnected, Optional.empty()));
  }

  /** An instance known from an earlier run of the control (its stream is not open yet). */
  public void remember(StateStore.KnownInstance known) {
    Entry e = entries.computeIfAbsent(known.instanceId(), k -> new Entry());
    synchronized (e) {
      if (e.hello == null) {
        e.hello = known.hello();
        e.lastSeen = known.lastConnected();
        known
            .certificate()
            .ifPresent(
                c -> {
                  e.certificateSerial = c.serial();
                  e.certificateNotAfter = c.notAfter();
                });
      }
    }
  }

  /**
   * Registers a new stream, or refuses it when another agent process serves the instance.
   *
   * <p>The older stream of the instance is closed and replaced when it is of the same agent process
   * (the same {@code agent_run_id}: the agent reconnected before the control noticed the old stream
   * die), or when its agent fell silent for the heartbeat window (a dead host whose connection was
   * never closed). A live stream of another agent process keeps serving and the new one is refused:
   * two agents holding one identity would otherwise replace each other's stream every few hundred
   * milliseconds, and commands would land on whichever held it.
   *
   * @return empty when attached; the live session of the other agent when refused
   */
  public Optional<AgentSession> attach(AgentSession session) {
    Entry e = entries.computeIfAbsent(session.instanceId(), k -> new Entry());
    AgentSession old;
    synchronized (e) {
      old = e.session;
      if (old != null && old != session && old.isOpen() && !sameAgent(old, session) && live(e)) {
        return Optional.of(old);
      }
      e.session = session;
      e.hello = session.hello();
      e.certificateSerial = session.certificateSerial();
      e.certificateNotAfter = session.certificateNotAfter();
      e.heartbeat = null;
      e.lastSeen = session.connectedAt();
    }
    if (old != null && old != session) {
      old.close(
          Status.ABORTED.withDescription("replaced by a newer connection of the same instance"));
    }
    return Optional.empty();
  }

  private static boolean sameAgent(AgentSession a, AgentSession b) {
    String run = a.hello().getAgentRunId();
    return !run.isEmpty() && run.equals(b.hello().getAgentRunId());
  }

  /** Whether the entry's agent spoke within the heartbeat window. */
  private boolean live(Entry e) {
    Instant lastSeen = e.lastSeen;
    return lastSeen != null
        && Duration.between(lastSeen, clock.instant()).toMillis()
            <= heartbeatMisses * interval(e.hello);
  }

  private static long interval(Hello hello) {
    return hello == null || hello.getHeartbeatIntervalMillis() == 0
        ? 2000
        : hello.getHeartbeatIntervalMillis();
  }

  /** The stream ended; only detaches it if it is still the current one. */
  public void detach(AgentSession session) {
    Entry e = entries.get(session.instanceId());
    if (e != null) {
      synchronized (e) {
        if (e.session == session) {
          e.session = null;
        }
      }
    }
  }

  public void heartbeat(AgentSession session, Heartbeat heartbeat) {
    Entry e = entries.get(session.instanceId());
    if (e != null && e.session == session) {
      e.heartbeat = heartbeat;
      e.lastSeen = clock.instant();
    }
  }

  /**
   * When the instance's agent last spoke (its stream opened, or a heartbeat), as this control knows
   * it; for an instance not seen since this control started, when it last connected before.
   */
  public Optional<Instant> lastSeen(String instanceId) {
    Entry e = entries.get(instanceId);
    return e == null ? Optional.empty() : Optional.ofNullable(e.lastSeen);
  }

  public boolean known(String instanceId) {
    return entries.containsKey(instanceId);
  }

  /** The open session of an instance, if connected. */
  public Optional<AgentSession> session(String instanceId) {
    Entry e = entries.get(instanceId);
    return e == null
        ? Optional.empty()
        : Optional.ofNullable(e.session).filter(AgentSession::isOpen);
  }

  public Optional<InstanceStatus> status(String instanceId) {
    Entry e = entries.get(instanceId);
    return e == null ? Optional.empty() : Optional.of(status(instanceId, e));
  }

  /**
   * The status of an instance the workflows and managers need to exist.
   *
   * @throws io.grpc.StatusRuntimeException NOT_FOUND when no agent ever said hello for it
   */
  public InstanceStatus require(String instanceId) {
    return status(instanceId).orElseThrow(() -> unknown(instanceId));
  }

  /** The one NOT_FOUND every call about an instance no agent said hello for gets. */
  public static StatusRuntimeException unknown(String instanceId) {
    return Status.NOT_FOUND
        .withDescription("instance '" + instanceId + "' is not known to the control")
        .asRuntimeException();
  }

  /** The live sessions whose agent connected with the certificate {@code serial}. */
  public List<AgentSession> sessionsWithCertificate(String serial) {
    return entries.values().stream()
        .map(en -> en.session)
        .filter(sn -> sn != null && sn.isOpen() && serial.equals(sn.certificateSerial()))
        .toList();
  }

  /**
   * The serials of the certificates {@code instanceId}'s agent holds, as far as this control knows:
   * the one it renewed to last, then the one its live stream was opened with (the same one unless
   * it renewed since it connected). Empty when no agent of the instance connected or renewed since
   * this control started.
   */
  public List<String> certificates(String instanceId) {
    Entry e = entries.get(instanceId);
    if (e == null) {
      return List.of();
    }
    List<String> serials = new ArrayList<>();
    String held = e.certificateSerial;
    AgentSession session = e.session;
    if (held != null) {
      serials.add(held);
    }
    if (session != null && session.isOpen() && !session.certificateSerial().equals(held)) {
      serials.add(session.certificateSerial());
    }
    return serials;
  }

  /**
   * Records a certificate issued to {@code instanceId}'s agent by renewal: the instance's status
   * shows it from now on (the agent presents it at its next connection).
   */
  public void renewed(String instanceId, String serial, Instant notAfter) {
    Entry e = entries.computeIfAbsent(instanceId, k -> new Entry());
    synchronized (e) {
      e.certificateSerial = serial;
      e.certificateNotAfter = notAfter;
    }
  }

  public List<InstanceStatus> list() {
    return entries.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .map(en -> status(en.getKey(), en.getValue()))
        .sorted(Comparator.comparing(InstanceStatus::getInstanceId))
        .toList();
  }

  private InstanceStatus status(String id, Entry e) {
    Hello hello = e.hello;
    Heartbeat hb = e.heartbeat;
    AgentSession session = e.session;
    Instant lastSeen = e.lastSeen;
    InstanceStatus.Builder b = InstanceStatus.newBuilder().setInstanceId(id);
    boolean fresh =
        lastSeen != null
            && Duration.between(lastSeen, clock.instant()).toMillis()
                <= heartbeatMisses * interval(hello);
    b.setState(
        session != null && session.isOpen() && fresh
            ? InstanceState.INSTANCE_STATE_CONNECTED
            : InstanceState.INSTANCE_STATE_UNREACHABLE);
    if (e.certificateSerial != null) {
      b.setCertificateSerial(e.certificateSerial)
          .setCertificateNotAfter(Timestamps.fromMillis(e.certificateNotAfter.toEpochMilli()));
    }
    if (hello != null) {
      b.setAgentVersion(hello.getAgentVersion())
          .setPluginApiVersion(hello.getPluginApiVersion())
          .addAllPlugins(hello.getPluginsList())
          .addAllCapabilities(hello.getCapabilitiesList())
          .setDatastore(hello.getDatastore());
    }
    if (hb != null) {
      b.setHealth(hb.getHealth())
          .setRole(hb.getRole())
          .setDetail(hb.getDetail())
          .putAllMetrics(hb.getMetricsMap());
      if (hb.hasDatastore() && !hb.getDatastore().getVersion().isEmpty()) {
        b.setDatastore(hb.getDatastore());
      } else if (hello == null) {
        b.setDatastore(Datastore.getDefaultInstance());
      }
    }
    if (lastSeen != null && hb != null) {
      b.setLastHeartbeat(
          Timestamp.newBuilder()
              .setSeconds(lastSeen.getEpochSecond())
              .setNanos(lastSeen.getNano()));
    }
    return b.build();
  }
}
