package io.coffer.agent.probe;

import io.coffer.agent.archive.LogArchiver;
import io.coffer.agent.supervision.ProcessSupervisor;
import io.coffer.proto.v1.Datastore;
import io.coffer.proto.v1.Health;
import io.coffer.proto.v1.Heartbeat;
import io.coffer.proto.v1.Role;
import io.coffer.spi.Capability;
import io.coffer.spi.DatastoreManager;
import io.coffer.spi.Probe;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Builds heartbeats: the supervisor's view (starting, stopped) or, once the server is ready, the
 * plugin's probe, which gets one second before it counts as unhealthy.
 */
public final class HeartbeatSource {
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

  private final DatastoreManager manager;
  private final ProcessSupervisor supervisor;
  private final AtomicLong sequence = new AtomicLong();
  private volatile String version = "";
  private final String host;
  private final int port;
  private final Supplier<Optional<LogArchiver.Status>> archive;
  private final Supplier<Map<String, Double>> agentMetrics;

  /**
   * @param host where clients and replicas reach the datastore
   * @param port its port
   * @param archive the log archiver's status, when the instance archives its log
   * @param agentMetrics the agent's own figures: the lease's and term's state ({@code
   *     LeaseKeeper.metrics()}), the data volume and the certificate ({@code
   *     NoticeWatch.metrics()})
   */
  public HeartbeatSource(
      DatastoreManager manager,
      ProcessSupervisor supervisor,
      String host,
      int port,
      Supplier<Optional<LogArchiver.Status>> archive,
      Supplier<Map<String, Double>> agentMetrics) {
    this.agentMetrics = agentMetrics;
    this.manager = manager;
    this.supervisor = supervisor;
    this.host = host;
    this.port = port;
    this.archive = archive;
  }

  public Mono<Heartbeat> next() {
    long seq = sequence.incrementAndGet();
    return switch (supervisor.state()) {
      case READY ->
          Mono.fromCallable(this::probe)
              .subscribeOn(Schedulers.boundedElastic())
              .timeout(
                  PROBE_TIMEOUT,
                  Mono.fromSupplier(() -> Probe.unhealthy("probe did not answer within 1 s")))
              .onErrorResume(e -> Mono.just(Probe.unhealthy("probe failed: " + e.getMessage())))
              .map(
                  p ->
                      heartbeat(seq, health(p.health()), role(p.role()), p.detail())
                          .putAllMetrics(p.metrics())
                          .putAllMetrics(archiveMetrics())
                          .putAllMetrics(agentMetrics.get())
                          .build());
      case STARTING ->
          Mono.just(
              heartbeat(seq, Health.HEALTH_STARTING, Role.ROLE_UNSPECIFIED, "starting").build());
      case RESTARTING ->
          Mono.just(
              heartbeat(seq, Health.HEALTH_STOPPED, Role.ROLE_UNSPECIFIED, "exited; restarting")
                  .build());
      case STOPPED ->
          Mono.just(
              heartbeat(seq, Health.HEALTH_STOPPED, Role.ROLE_UNSPECIFIED, "stopped").build());
    };
  }

  /**
   * {@code log_archive_pending_files}: completed log files not archived yet; {@code
   * log_archive_last_age_seconds}: since the newest file was archived by this agent process (absent
   * before the first); {@code log_archive_failing}: 1 while archiving fails (the agent's log says
   * why).
   */
  private Map<String, Double> archiveMetrics() {
    Optional<LogArchiver.Status> status = archive.get();
    if (status.isEmpty()) {
      return Map.of();
    }
    Map<String, Double> m = new HashMap<>();
    m.put("log_archive_pending_files", (double) status.get().pending());
    m.put("log_archive_failing", status.get().error().isEmpty() ? 0.0 : 1.0);
    status
        .get()
        .last()
        .ifPresent(
            a ->
                m.put(
                    "log_archive_last_age_seconds",
                    Math.max(0, Duration.between(a.at(), Instant.now()).toMillis() / 1000.0)));
    return m;
  }

  /** The datastore as last seen, for Hello. */
  public Datastore datastore() {
    return Datastore.newBuilder()
        .setEngine(manager.engine())
        .setVersion(version)
        .setHost(host)
        .setPort(port)
        .setPeerPort(peerPort())
        .build();
  }

  /** The engine's node-to-node port, which the control hands to the other nodes of a cluster. */
  private int peerPort() {
    if (peerPort < 0) {
      peerPort =
          manager.capabilities().contains(Capability.CLUSTER) ? manager.cluster().peerPort() : 0;
    }
    return peerPort;
  }

  private volatile int peerPort = -1;

  private Probe probe() {
    if (version.isEmpty()) {
      version = manager.serverVersion();
    }
    return manager.probe();
  }

  private Heartbeat.Builder heartbeat(long seq, Health health, Role role, String detail) {
    return Heartbeat.newBuilder()
        .setSequence(seq)
        .setHealth(health)
        .setRole(role)
        .setDetail(detail)
        .setDatastore(datastore());
  }

  private static Health health(Probe.Health h) {
    return h == Probe.Health.HEALTHY ? Health.HEALTH_HEALTHY : Health.HEALTH_UNHEALTHY;
  }

  private static Role role(Probe.Role r) {
    return switch (r) {
      case STANDALONE -> Role.ROLE_STANDALONE;
      case PRIMARY -> Role.ROLE_PRIMARY;
      case REPLICA -> Role.ROLE_REPLICA;
      case UNKNOWN -> Role.ROLE_UNSPECIFIED;
    };
  }
}
