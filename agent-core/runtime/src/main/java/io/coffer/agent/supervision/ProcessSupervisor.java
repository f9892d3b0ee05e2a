package io.coffer.agent.supervision;

import io.coffer.spi.DatastoreException;
import io.coffer.spi.ProcessSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Runs the datastore server as the agent's child, like an init process would: starts it, waits for
 * readiness, restarts it with exponential backoff (1 s doubling to 30 s) when it exits on its own,
 * and stops it with SIGTERM, then SIGKILL after the spec's stop timeout.
 *
 * <p>A server that outlived a previous agent process (the agent was killed) is adopted through its
 * pid file rather than started twice.
 */
public final class ProcessSupervisor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProcessSupervisor.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  /** Lifecycle of the supervised server. */
  public enum State {
    STOPPED,
    STARTING,
    READY,
    RESTARTING
  }

  private final String name;
  private final ProcessSpec spec;
  private final Runnable prepare;
  private final Consumer<Duration> readinessCheck;
  private final Duration readyTimeout;
  private final Sinks.Many<State> states = Sinks.many().replay().latest();
  private volatile State state = State.STOPPED;
  private volatile ProcessHandle current;
  private volatile boolean stopping;

  /** Held down for maintenance (a restore): the loop neither restarts nor adopts the server. */
  private boolean paused;

  private Thread loop;

  /**
   * The server this agent started, for its exit status; null for one adopted from before a restart.
   */
  private volatile Process launched;

  /**
   * Runs the plugin's readiness checks, so the loop can watch the process meanwhile; a check given
   * up on may still run out its timeout, so each gets its own thread.
   */
  private final ExecutorService readiness;

  /**
   * @param prepare idempotent preparation run before each start (the plugin's prepare)
   * @param readinessCheck blocks until the server is ready or throws (the plugin's awaitReady)
   */
  public ProcessSupervisor(
      String name,
      ProcessSpec spec,
      Runnable prepare,
      Consumer<Duration> readinessCheck,
      Duration readyTimeout) {
    this.name = name;
    this.spec = spec;
    this.prepare = prepare;
    this.readinessCheck = readinessCheck;
    this.readyTimeout = readyTimeout;
    this.readiness =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "coffer-readiness-" + name);
              t.setDaemon(true);
              return t;
            });
    emit(State.STOPPED);
  }

  public synchronized void start() {
    if (loop != null) {
      return;
    }
    loop = new Thread(this::superviseLoop, "coffer-supervisor-" + name);
    loop.setDaemon(true);
    loop.start();
  }

  public State state() {
    return state;
  }

  public Flux<State> states() {
    return states.asFlux();
  }

  /** Completes when the server is (or next becomes) ready. */
  public Mono<Void> whenReady() {
    return states.asFlux().filter(s -> s == State.READY).next().then();
  }

  /** pid of the running server, if any. */
  public Optional<Long> pid() {
    ProcessHandle p = current;
    return p == null ? Optional.empty() : Optional.of(p.pid());
  }

  private void superviseLoop() {
    Duration backoff = Duration.ofSeconds(1);
    while (!stopping) {
      if (awaitResumed()) {
        backoff = Duration.ofSeconds(1); // held down for maintenance, then let go: start at once
        continue;
      }
      emit(State.STARTING);
      try {
        ProcessHandle process = adoptOrLaunch();
        current = process;
        if (paused) {
          terminate(process); // paused while it was being launched
        }
        awaitReady(process);
        if (stopping) {
          break;
        }
        emit(State.READY);
        backoff = Duration.ofSeconds(1);
        log.info("{} is ready (pid {})", name, process.pid());
        process.onExit().join();
        if (stopping || paused) {
          continue; // the exit was intended: the loop parks (paused) or ends (stopping)
        }
        log.warn(
            "{} (pid {}) exited on its own{}; restarting in {} s; see {}",
            name,
            process.pid(),
            exitStatus(),
            backoff.toSeconds(),
            spec.logFile());
      } catch (RuntimeException | IOException e) {
        if (stopping || paused) {
          kill(current);
          continue;
        }
        log.error(
            "{} failed to start: {}; retrying in {} s; see {}",
            name,
            e.getMessage(),
            backoff.toSeconds(),
            spec.logFile());
        kill(current);
      }
      emit(State.RESTARTING);
      sleep(backoff);
      backoff =
          backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
              ? MAX_BACKOFF
              : backoff.multipliedBy(2);
    }
    emit(State.STOPPED);
  }

  /**
   * Runs the readiness check, and gives up as soon as the process exits: a server that dies while
   * starting (or is stopped for maintenance then) must not hold the loop for the whole timeout.
   */
  private void awaitReady(ProcessHandle process) {
    Future<?> check = readiness.submit(() -> readinessCheck.accept(readyTimeout));
    try {
      while (true) {
        try {
          check.get(200, TimeUnit.MILLISECONDS);
          return;
        } catch (TimeoutException e) {
          if (!alive(process)) {
            check.cancel(true);
            throw new IllegalStateException(name + " exited while starting" + exitStatus());
          }
        }
      }
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      check.cancel(true);
      Thread.currentThread().interrupt();
      throw new IllegalStateException(name + ": interrupted while waiting for it to be ready");
    }
  }

  private ProcessHandle adoptOrLaunch() throws IOException {
    launched = null;
    Optional<ProcessHandle> survivor = survivor();
    if (survivor.isPresent()) {
      log.info(
          "adopting {} still running from before the agent restarted (pid {})",
          name,
          survivor.get().pid());
      return survivor.get();
    }
    prepare.run();
    Files.createDirectories(spec.logFile().getParent());
    ProcessBuilder pb =
        new ProcessBuilder(spec.command())
            .directory(spec.workingDir().toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.logFile().toFile()));
    pb.environment().putAll(spec.environment());
    Process process = pb.start();
    launched = process;
    log.info("started {} (pid {}): {}", name, process.pid(), spec.command().get(0));
    return process.toHandle();
  }

  /**
   * Stops the server for maintenance and keeps it down until {@link #resume}: SIGTERM, then SIGKILL
   * after the stop timeout. Returns once the process is gone.
   */
  public void pause() {
    synchronized (this) {
      paused = true;
    }
    ProcessHandle p = current;
    if (p != null && alive(p)) {
      log.info("stopping {} (pid {}) for maintenance", name, p.pid());
      terminate(p);
    }
    // the loop notices the exit and parks; wait for that so the caller sees a settled state
    awaitState(State.STOPPED, spec.stopTimeout().plusSeconds(15));
  }

  /** Like {@link #pause}, with SIGKILL at once instead of a clean shutdown. */
  public void pauseNow() {
    synchronized (this) {
      paused = true;
    }
    ProcessHandle p = current;
    if (p != null && alive(p)) {
      log.warn("killing {} (pid {}) at once (SIGKILL)", name, p.pid());
      kill(p);
    }
    awaitState(State.STOPPED, Duration.ofSeconds(15));
  }

  /**
   * Lets a paused server start again and waits until it is ready.
   *
   * @throws io.coffer.spi.DatastoreException UNAVAILABLE when it is not ready within {@code
   *     timeout}
   */
  public void resume(Duration timeout) {
    synchronized (this) {
      paused = false;
      notifyAll();
    }
    if (!awaitState(State.READY, timeout)) {
      throw DatastoreException.unavailable(
          name
              + " did not become ready within "
              + timeout.toSeconds()
              + " s after maintenance; see "
              + spec.logFile(),
          null);
    }
  }

  /**
   * Blocks (plain thread wait, so callers may be on Reactor's non-blocking threads) until {@code
   * wanted}.
   */
  private boolean awaitState(State wanted, Duration timeout) {
    try {
      states
          .asFlux()
          .filter(s -> s == wanted)
          .next()
          .toFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException | ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Parks the loop while paused (the server is held down); true when it was paused. */
  private boolean awaitResumed() {
    synchronized (this) {
      if (!paused || stopping) {
        return false;
      }
      emit(State.STOPPED);
      while (paused && !stopping) {
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return true;
        }
      }
      return true;
    }
  }

  /** A live process named in the pid file that runs the same program. */
  private Optional<ProcessHandle> survivor() {
    Path pidFile = spec.pidFile();
    if (pidFile == null || !Files.isRegularFile(pidFile)) {
      return Optional.empty();
    }
    try {
      long pid = pidOf(pidFile);
      List<String> programs = programs(spec.command());
      return ProcessHandle.of(pid)
          .filter(ProcessSupervisor::alive)
          .filter(
              h ->
                  h.info()
                      .command()
                      .map(c -> programs.contains(Path.of(c).getFileName().toString()))
                      .orElse(false));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * The pid on the pid file's first line: mariadbd writes only that line, PostgreSQL's
   * postmaster.pid more.
   */
  static long pidOf(Path pidFile) throws IOException {
    return Long.parseLong(Files.readString(pidFile).lines().findFirst().orElse("").trim());
  }

  /**
   * The file names a process running {@code command} may have: the program itself and, when it is a
   * wrapper that changes user and then execs the server ({@code setpriv ... -- postgres ...}), the
   * program after the first {@code --}.
   */
  static List<String> programs(List<String> command) {
    List<String> names = new ArrayList<>();
    names.add(Path.of(command.get(0)).getFileName().toString());
    int separator = command.indexOf("--");
    if (separator > 0 && separator + 1 < command.size()) {
      names.add(Path.of(command.get(separator + 1)).getFileName().toString());
    }
    return names;
  }

  /**
   * " with exit status N" (128 + the signal's number when a signal ended it), or "" for an adopted
   * server.
   */
  private String exitStatus() {
    Process p = launched;
    try {
      // the handle's onExit can complete before the Process has collected the status
      return p == null || !p.waitFor(1, TimeUnit.SECONDS)
          ? ""
          : " with exit status " + p.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** Alive and not a zombie (an orphan may linger as a zombie until PID 1 reaps it). */
  static boolean alive(ProcessHandle h) {
    if (!h.isAlive()) {
      return false;
    }
    try {
      return Files.readAllLines(Path.of("/proc/" + h.pid() + "/status")).stream()
          .noneMatch(l -> l.startsWith("State:") && l.contains("Z"));
    } catch (IOException e) {
      return h.isAlive();
    }
  }

  /** Stops the server: SIGTERM, then SIGKILL after the stop timeout. */
  @Override
  public void close() {
    stopping = true;
    ProcessHandle p = current;
    if (p != null && alive(p)) {
      log.info("stopping {} (pid {})", name, p.pid());
      terminate(p);
    }
    synchronized (this) {
      notifyAll(); // a paused loop wakes up and sees stopping
    }
    if (loop != null) {
      loop.interrupt(); // also interrupts a preparation in progress, which then cleans up after
      // itself
      try {
        loop.join(15_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    readiness.shutdownNow();
    emit(State.STOPPED);
  }

  private void terminate(ProcessHandle p) {
    p.destroy();
    try {
      p.onExit().get(spec.stopTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("{} did not stop within {} s; killing it", name, spec.stopTimeout().toSeconds());
      kill(p);
    }
    waitGone(p);
  }

  private static void kill(ProcessHandle p) {
    if (p != null && p.isAlive()) {
      p.destroyForcibly();
      waitGone(p);
    }
  }

  private static void waitGone(ProcessHandle p) {
    for (int i = 0; i < 100 && alive(p); i++) {
      sleep(Duration.ofMillis(50));
    }
  }

  private synchronized void emit(State s) {
    state = s;
    states.tryEmitNext(s);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
