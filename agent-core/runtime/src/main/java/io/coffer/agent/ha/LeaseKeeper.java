package io.coffer.agent.ha;

import com.google.protobuf.Timestamp;
import io.coffer.agent.ha.TermFile.State;
import io.coffer.proto.v1.AgentEvent;
import io.coffer.proto.v1.Lease;
import io.coffer.spi.Probe;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The primary's lease and the group's term, on the agent's side.
 *
 * <p>While the control holds this instance for its group's primary, it answers each heartbeat with
 * a {@link Lease}: writes may go on until {@code lease_millis} after this agent <em>sent</em> that
 * heartbeat. Once the lease has run out (the control is unreachable, or no longer renews it) and
 * the server still accepts writes, the agent fences it (the engine's fence: read-only, client
 * sessions ended; PostgreSQL restarts as a standby), before the control, which waits the lease plus
 * a margin, may promote a replica. A lease granted again in the same term lifts that fence. A
 * Welcome or lease saying the instance was deposed (another was promoted) fences it for good: only
 * an attach as a replica ends that.
 *
 * <p>A lease of 0 ms means the group fails over by hand only: no lease is needed, nothing is fenced
 * on silence, and a fence this agent set is lifted.
 *
 * <p>The newest term seen is kept in {@code stateDir/ha-term} with the fence and whether a lease
 * was held, so a restarted agent refuses the commands of an older term ({@link #accepts}), its
 * server stays fenced, and a primary that held a lease starts without one: it is fenced once it
 * answers, until the control grants the next (a primary deposed while its agent was down learns it
 * from its Welcome, and is never lifted). Checks run every 100 ms on a thread of their own; the
 * fence itself may block.
 */
public final class LeaseKeeper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);
  private static final long CHECK_MILLIS = 100;
  private static final int SENT_KEPT = 64;
  private static final long FAILURE_LOG_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final TermFile file;
  private final Runnable fence;
  private final Runnable unfence;
  private final Supplier<Probe.Role> role;
  private final Consumer<AgentEvent> events;
  private final LongSupplier nanoTime;
  private final Scheduler thread = Schedulers.newSingle("coffer-lease", true);

  /** Held while the fence or its lift runs, and by commands that change the server's role. */
  private final Lock roleLock = new ReentrantLock();

  /** When each recent heartbeat was sent (nanoTime), by sequence. */
  private final Map<Long, Long> sent =
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
          return size() > SENT_KEPT;
        }
      };

  private State state;
  private boolean leased;
  private long leaseUntil;
  private Disposable checks;

  /**
   * Why a fence is due and not done yet (the server did not answer, or the fence failed); null when
   * none.
   */
  private String fenceDue;

  private long lastFailureLog = Long.MIN_VALUE / 2;

  /**
   * @param fence the engine's fence (the replication strategy's); may block
   * @param unfence lifts this agent's own fence on a primary (the strategy's promote)
   * @param role the server's role now (the replication strategy's status; UNKNOWN while it does not
   *     answer): only a server that accepts writes is fenced
   * @param events where a fence is reported (sent now or once connected)
   */
  public LeaseKeeper(
      Path stateDir,
      Runnable fence,
      Runnable unfence,
      Supplier<Probe.Role> role,
      Consumer<AgentEvent> events,
      LongSupplier nanoTime) {
    this.file = new TermFile(stateDir);
    this.fence = fence;
    this.unfence = unfence;
    this.role = role;
    this.events = events;
    this.nanoTime = nanoTime;
    this.state = file.read();
    // no lease survives a restart: a primary that held one must be granted the next
    this.leased = state.leased();
    this.leaseUntil = nanoTime.getAsLong() - 1; // already over
  }

  public void start() {
    checks =
        thread.schedulePeriodically(this::check, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
  }

  /**
   * The lock that commands changing the server's role (attach, promote, fence, restart) hold, so a
   * fence of this keeper never runs in the middle of one (a deposed primary's fence restarting
   * PostgreSQL while the control attaches it as a replica), and a fence decided before an attach
   * sees the new role once it gets the lock (and then does nothing).
   */
  public Lock roleLock() {
    return roleLock;
  }

  /** The newest term seen, 0 before any. */
  public synchronized long term() {
    return state.term();
  }

  /** Whether a command sent in {@code commandTerm} (0: none) may run: not from an older term. */
  public synchronized boolean accepts(long commandTerm) {
    if (commandTerm > state.term()) {
      remember(new State(commandTerm, state.fenced(), false, state.leased()));
    }
    return commandTerm == 0 || commandTerm >= state.term();
  }

  /**
   * For the heartbeat: {@code ha_term} (the newest term seen), {@code ha_lease_held} (1 while this
   * primary holds an unexpired lease), {@code ha_fenced} (1 while this agent keeps its server
   * fenced: its lease ran out, or it was deposed).
   */
  public synchronized Map<String, Double> metrics() {
    return Map.of(
        "ha_term",
        (double) state.term(),
        "ha_lease_held",
        leased && nanoTime.getAsLong() <= leaseUntil ? 1.0 : 0.0,
        "ha_fenced",
        state.fenced() || state.deposed() ? 1.0 : 0.0);
  }

  /** A heartbeat numbered {@code sequence} is being sent now. */
  public synchronized void heartbeatSent(long sequence) {
    sent.put(sequence, nanoTime.getAsLong());
  }

  /** The control's Welcome: the group's term, and whether this instance was deposed in it. */
  public void welcomed(long term, boolean deposed) {
    if (term == 0) {
      return;
    }
    synchronized (this) {
      if (term < state.term()) {
        return;
      }
      remember(new State(term, state.fenced(), deposed, deposed ? false : state.leased()));
    }
    if (deposed) {
      fenceDue("another instance was promoted in term " + term);
    }
  }

  public void onLease(Lease lease) {
    boolean lift;
    synchronized (this) {
      if (lease.getTerm() < state.term()) {
        return; // from before a failover: ignored
      }
      if (!lease.getPrimary()) {
        remember(new State(lease.getTerm(), state.fenced(), true, false));
        leased = false;
        lift = false;
      } else if (lease.getLeaseMillis()
          == 0) { // failover by hand only: no lease, no fence of our own
        leased = false;
        lift = state.fenced() && !state.deposed();
        if (lease.getTerm() > state.term() || state.leased()) {
          remember(new State(lease.getTerm(), state.fenced(), false, false));
        }
      } else {
        Long at = sent.get(lease.getHeartbeatSequence());
        if (at == null || state.deposed() && lease.getTerm() == state.term()) {
          return; // a heartbeat this process did not send, or a stale grant to a deposed primary
        }
        leaseUntil =
            Math.max(leaseUntil, at + TimeUnit.MILLISECONDS.toNanos(lease.getLeaseMillis()));
        if (!leased) {
          log.info(
              "holding the primary's lease in term {} ({} ms, renewed at each heartbeat)",
              lease.getTerm(),
              lease.getLeaseMillis());
        }
        leased = true;
        lift = state.fenced();
        if (lease.getTerm() > state.term() || !state.leased()) {
          remember(new State(lease.getTerm(), state.fenced(), false, true));
        }
      }
    }
    if (!lease.getPrimary()) {
      fenceDue("another instance was promoted in term " + lease.getTerm());
    } else if (lift) {
      thread.schedule(this::lift);
    }
  }

  /**
   * This instance now follows a source, or was promoted by a command: whatever fence it set is
   * over.
   */
  public synchronized void roleChanged() {
    leased = false;
    fenceDue = null;
    if (state.fenced() || state.deposed() || state.leased()) {
      remember(new State(state.term(), false, false, false));
    }
  }

  /** A fence is due for {@code why}; tried at once and at every check until it is done. */
  private void fenceDue(String why) {
    synchronized (this) {
      fenceDue = why;
    }
    thread.schedule(this::check);
  }

  private void check() {
    String why;
    synchronized (this) {
      if (fenceDue == null && leased && !state.fenced() && nanoTime.getAsLong() > leaseUntil) {
        log.info(
            "the lease ran out {} ms ago; fencing the server",
            TimeUnit.NANOSECONDS.toMillis(nanoTime.getAsLong() - leaseUntil));
        fenceDue = "its lease ran out: the control has not renewed it";
      }
      if (state.fenced()) {
        fenceDue = null;
      }
      why = fenceDue;
    }
    if (why == null) {
      return;
    }
    roleLock.lock();
    try {
      if (fence(why)) {
        synchronized (this) {
          if (why.equals(fenceDue)) {
            fenceDue = null;
          }
        }
      }
    } finally {
      roleLock.unlock();
    }
  }

  /**
   * Fences the server unless it refuses writes already (a replica); on the lease thread, holding
   * the role lock.
   *
   * @return whether nothing is left to do: fenced now, or already, or a replica; false while the
   *     server does not answer (it is starting, or down: fenced once it answers) or the fence
   *     failed
   */
  private boolean fence(String why) {
    synchronized (this) {
      if (state.fenced()) {
        return true;
      }
    }
    Probe.Role r = role.get();
    if (r == Probe.Role.REPLICA) {
      return true;
    }
    if (r == Probe.Role.UNKNOWN) {
      return false;
    }
    long started = nanoTime.getAsLong();
    try {
      fence.run();
    } catch (RuntimeException e) {
      if (started - lastFailureLog > FAILURE_LOG_NANOS) {
        log.error(
            "cannot fence the server ({}); trying again every {} ms: {}",
            why,
            CHECK_MILLIS,
            e.getMessage());
        lastFailureLog = started;
      }
      return false;
    }
    long term;
    synchronized (this) {
      remember(new State(state.term(), true, state.deposed(), state.leased()));
      term = state.term();
    }
    log.warn(
        "fenced the server in {} ms: {} (term {})",
        TimeUnit.NANOSECONDS.toMillis(nanoTime.getAsLong() - started),
        why,
        term);
    Instant now = Instant.now();
    events.accept(
        AgentEvent.newBuilder()
            .setKind("fencing_applied")
            .setMessage("the agent fenced its server: " + why)
            .setAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
            .putDetails("term", Long.toString(term))
            .putDetails("reason", why)
            .build());
    return true;
  }

  private void lift() {
    roleLock.lock();
    try {
      liftLocked();
    } finally {
      roleLock.unlock();
    }
  }

  private void liftLocked() {
    synchronized (this) {
      if (!state.fenced() || state.deposed()) {
        return;
      }
    }
    try {
      unfence.run();
    } catch (RuntimeException e) {
      log.error(
          "cannot lift the lease's fence; trying again at the next lease: {}", e.getMessage());
      return;
    }
    synchronized (this) {
      remember(new State(state.term(), false, false, state.leased()));
    }
    log.info("lease renewed in term {}: the server accepts writes again", term());
  }

  private void remember(State next) {
    state = next;
    file.write(next);
  }

  @Override
  public void close() {
    if (checks != null) {
      checks.dispose();
    }
    thread.dispose();
  }
}
