package io.coffer.control.server;

import io.coffer.control.backup.ArchiveKeyStore;
import io.coffer.control.backup.BackupCatalog;
import io.coffer.control.backup.BackupManager;
import io.coffer.control.backup.BackupScheduler;
import io.coffer.control.backup.MasterKeyStore;
import io.coffer.control.broker.Broker;
import io.coffer.control.broker.RequestDigests;
import io.coffer.control.ca.CertificateAuthority;
import io.coffer.control.ca.ServerCertificate;
import io.coffer.control.cluster.ClusterManager;
import io.coffer.control.cluster.ClusterMembership;
import io.coffer.control.cluster.WholeClusterRecovery;
import io.coffer.control.config.ControlConfig;
import io.coffer.control.config.HostPort;
import io.coffer.control.events.EventJournal;
import io.coffer.control.events.Events;
import io.coffer.control.events.WebhookDispatcher;
import io.coffer.control.events.WebhookStore;
import io.coffer.control.gateway.AgentCertificateService;
import io.coffer.control.gateway.AgentGatewayService;
import io.coffer.control.ha.Failover;
import io.coffer.control.ha.HaMonitor;
import io.coffer.control.ha.Leases;
import io.coffer.control.keys.DerivedPasswords;
import io.coffer.control.keys.SealingKey;
import io.coffer.control.northbound.NorthboundServices;
import io.coffer.control.registry.AgentRegistry;
import io.coffer.control.replication.ReplicationManager;
import io.coffer.control.replication.ReplicationSteps;
import io.coffer.control.replication.Topology;
import io.coffer.control.security.AgentAuthInterceptor;
import io.coffer.control.security.ApiAuthInterceptor;
import io.coffer.control.security.EnrollmentTokens;
import io.coffer.control.security.Revocations;
import io.coffer.control.security.TlsContexts;
import io.coffer.control.store.SqliteStateStore;
import io.coffer.control.store.StateStore;
import io.coffer.control.workflow.WorkflowRunner;
import io.coffer.control.workflow.WorkflowStore;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * The running control: the agent gateway (mTLS, client certificate required) and the northbound API
 * (TLS, client certificate or bearer token) on two listeners, over one broker and state store.
 */
public final class ControlServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

  /** Events are kept this long: a watcher may resume from any sequence of the last 7 days. */
  private static final Duration EVENT_RETENTION = Duration.ofDays(7);

  /** How often the control looks for a rotated certificate of its own (coffer certs rotate). */
  public static final Duration CERTIFICATE_CHECK = Duration.ofSeconds(2);

  private final List<AutoCloseable> resources = new ArrayList<>();
  private Server agentServer;
  private Server apiServer;

  private ControlServer() {}

  /** Starts both listeners; returns once they accept connections. */
  public static ControlServer start(ControlConfig config) throws IOException {
    ControlServer server = new ControlServer();
    try {
      server.boot(config);
      return server;
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  private void boot(ControlConfig config) throws IOException {
    Clock clock = Clock.systemUTC();
    Path state = config.stateDir();
    StateStore store = SqliteStateStore.open(state);
    resources.add(store);
    AgentRegistry registry = new AgentRegistry(clock, config.heartbeatMisses());
    store.instances().forEach(registry::remember);
    Broker broker = new Broker(store, registry, clock, RequestDigests.open(state));
    ArchiveKeyStore archiveKeys = ArchiveKeyStore.open(state);
    resources.add(broker);
    EventJournal eventJournal = EventJournal.open(state);
    resources.add(eventJournal);
    Events events = new Events(eventJournal, clock);
    resources.add(events);
    WebhookStore webhooks = new WebhookStore(eventJournal, SealingKey.open(state));
    WebhookDispatcher dispatcher =
        new WebhookDispatcher(webhooks, eventJournal, clock, Duration.ofSeconds(1));
    dispatcher.start(events.journaledSequences());
    resources.add(dispatcher);
    WorkflowStore workflows = WorkflowStore.open(state);
    resources.add(workflows);
    WorkflowRunner runner = new WorkflowRunner(workflows, clock);
    runner.publishTo(events);
    Topology topology = Topology.open(state);
    resources.add(topology);
    broker.stampTerms(topology::termOf);
    // before any agent connects: a failover a previous control left running grants its primary no
    // lease
    Leases leases = new Leases(topology, clock);
    runner
        .running(Failover.KIND)
        .forEach(
            w ->
                topology
                    .group(w.param("source"))
                    .ifPresent(g -> leases.revoke(w.param("source"), g)));

    Revocations revocations = Revocations.open(state);
    resources.add(revocations);
    EnrollmentTokens enrollmentTokens = EnrollmentTokens.open(state);
    resources.add(enrollmentTokens);
    // enrollment and renewal need the issuing CA's key; a control without it (an operator keeps
    // the key elsewhere) answers FAILED_PRECONDITION
    Optional<CertificateAuthority> issuer = CertificateAuthority.issuer(config.home());
    AgentAuthInterceptor agentAuth = new AgentAuthInterceptor(revocations, clock);
    ServerCertificate serverCertificate =
        ServerCertificate.watch(config.certFile(), config.keyFile(), CERTIFICATE_CHECK);
    resources.add(serverCertificate);
    EventLoopGroup loops =
        new NioEventLoopGroup(
            config.eventLoopThreads(), new DefaultThreadFactory("coffer-net", true));
    resources.add(() -> loops.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly());
    agentServer =
        listener(config.agentListen(), loops)
            .sslContext(TlsContexts.server(serverCertificate, config.caFile(), ClientAuth.REQUIRE))
            .addService(
                ServerInterceptors.intercept(
                    new AgentGatewayService(
                        registry, broker, store, clock, archiveKeys.publicKey(), events, leases),
                    agentAuth))
            .addService(
                ServerInterceptors.intercept(
                    new AgentCertificateService(
                        issuer, config.agentCertificateValidity(), registry, store),
                    agentAuth))
            // handlers never block (store work runs on boundedElastic): no thread hand-off per
            // message
            .directExecutor()
            // agents ping every 10 s to notice dead connections; the control pings more rarely so
            // as
            // not to postpone their check (it watches heartbeats: 3 missed ones mark an instance
            // unreachable)
            .permitKeepAliveTime(5, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .keepAliveTime(30, TimeUnit.SECONDS)
            .keepAliveTimeout(5, TimeUnit.SECONDS)
            .build()
            .start();
    resources.add(() -> stop(agentServer));

    NettyServerBuilder api =
        listener(config.apiListen(), loops)
            .sslContext(TlsContexts.server(serverCertificate, config.caFile(), ClientAuth.OPTIONAL))
            .directExecutor();
    ApiAuthInterceptor auth = new ApiAuthInterceptor(config.tokens());
    BackupCatalog catalog = BackupCatalog.open(state);
    resources.add(catalog);
    BackupManager backups =
        new BackupManager(
            catalog,
            MasterKeyStore.open(state),
            archiveKeys,
            broker,
            registry,
            clock,
            config.jobTimeout());
    backups.publishTo(events);
    backups.start();
    BackupScheduler scheduler = new BackupScheduler(backups, clock, config.scheduleTick());
    scheduler.start();
    resources.add(scheduler);
    DerivedPasswords passwords = DerivedPasswords.open(state);
    ReplicationSteps steps =
        new ReplicationSteps(broker, registry, backups, topology, passwords, config.jobTimeout());
    ReplicationManager replication = new ReplicationManager(registry, steps, runner);
    Failover failover = new Failover(registry, steps, runner, leases, events, clock);
    backups.takeBackupsOnReplicas(topology::replicasOf);
    ClusterMembership membership = ClusterMembership.open(state);
    resources.add(membership);
    ClusterManager clusters = new ClusterManager(broker, registry, runner, passwords, membership);
    WholeClusterRecovery clusterRecovery =
        new WholeClusterRecovery(broker, registry, runner, events, membership);
    runner.resumeAll();
    HaMonitor ha =
        new HaMonitor(
            registry,
            topology,
            events,
            failover,
            replication,
            membership,
            clusterRecovery,
            runner,
            leases,
            clock);
    ha.start(Duration.ofMillis(500));
    resources.add(ha);
    for (BindableService service :
        NorthboundServices.create(
            broker,
            registry,
            backups,
            replication,
            failover,
            topology,
            clusters,
            clusterRecovery,
            events,
            webhooks,
            revocations,
            enrollmentTokens,
            clock,
            config.defaultTimeout(),
            config.jobTimeout())) {
      api.addService(ServerInterceptors.intercept(service, auth));
    }
    api.addService(
        NorthboundServices.enrollment(
            enrollmentTokens, issuer, config.agentCertificateValidity(), clock));
    apiServer = api.build().start();
    resources.add(() -> stop(apiServer));

    Disposable pruning =
        Flux.interval(Duration.ofMinutes(1), Duration.ofHours(1))
            .concatMap(i -> broker.prune(config.commandRetention()))
            .subscribe(
                n -> log.debug("pruned {} finished commands", n),
                e -> log.error("pruning stopped", e));
    resources.add(pruning::dispose);
    Disposable eventPruning =
        Flux.interval(Duration.ofMinutes(1), Duration.ofHours(1))
            .concatMap(i -> events.prune(EVENT_RETENTION))
            .subscribe(
                n -> log.debug("pruned {} events", n), e -> log.error("event pruning stopped", e));
    resources.add(eventPruning::dispose);
    log.info(
        "control listening: agents on {}:{}, API on {}:{}",
        config.agentListen().host(),
        agentPort(),
        config.apiListen().host(),
        apiPort());
  }

  /**
   * Both listeners accept and serve on the same event loops (see ControlConfig#eventLoopThreads).
   */
  private static NettyServerBuilder listener(HostPort address, EventLoopGroup loops) {
    return NettyServerBuilder.forAddress(new InetSocketAddress(address.host(), address.port()))
        .bossEventLoopGroup(loops)
        .workerEventLoopGroup(loops)
        .channelType(NioServerSocketChannel.class);
  }

  private static void stop(Server server) throws InterruptedException {
    server.shutdown();
    if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
      server.shutdownNow();
    }
  }

  /** Bound port of the agent gateway. */
  public int agentPort() {
    return agentServer.getPort();
  }

  /** Bound port of the northbound API. */
  public int apiPort() {
    return apiServer.getPort();
  }

  /** Blocks until {@link #close()} is called. */
  public void awaitTermination() throws InterruptedException {
    apiServer.awaitTermination();
    agentServer.awaitTermination();
  }

  @Override
  public void close() {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        log.warn("error while stopping: {}", e.getMessage());
      }
    }
    resources.clear();
  }
}
