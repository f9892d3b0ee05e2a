package io.coffer.agent;

import io.coffer.agent.archive.ArchiveKeys;
import io.coffer.agent.archive.LogArchiver;
import io.coffer.agent.backup.BackupService;
import io.coffer.agent.backup.CipherWarmUp;
import io.coffer.agent.backup.WorkArea;
import io.coffer.agent.channel.ControlChannel;
import io.coffer.agent.command.CommandExecutor;
import io.coffer.agent.config.AgentConfig;
import io.coffer.agent.config.BackupStorages;
import io.coffer.agent.ha.LeaseKeeper;
import io.coffer.agent.identity.AgentKeyManager;
import io.coffer.agent.identity.CertificateIdentity;
import io.coffer.agent.identity.CertificateRenewal;
import io.coffer.agent.identity.Enrollment;
import io.coffer.agent.identity.KeyMaterial;
import io.coffer.agent.journal.JobJournal;
import io.coffer.agent.notice.NoticeWatch;
import io.coffer.agent.plugin.Advertised;
import io.coffer.agent.plugin.Facets;
import io.coffer.agent.plugin.PluginHost;
import io.coffer.agent.probe.HeartbeatSource;
import io.coffer.agent.storage.BackupStorage;
import io.coffer.agent.supervision.ProcessSupervisor;
import io.coffer.agent.supervision.SupervisedServer;
import io.coffer.proto.v1.Hello;
import io.coffer.spi.Capability;
import io.coffer.spi.DatastoreContext;
import io.coffer.spi.DatastoreManager;
import io.coffer.spi.PluginApi;
import io.coffer.spi.backup.LogArchiving;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

/**
 * One agent: journal, plugin, supervised datastore, command executor and the channel to the
 * control, started in that order and closed in reverse.
 */
public final class Agent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Agent.class);

  /** Acknowledged jobs are forgotten after this long. */
  private static final Duration JOURNAL_RETENTION = Duration.ofDays(7);

  private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);

  /** How often the archiver looks for completed log files (a flush wakes it at once). */
  private static final Duration ARCHIVE_INTERVAL = Duration.ofSeconds(2);

  private final List<AutoCloseable> resources = new ArrayList<>();
  private ProcessSupervisor supervisor;
  private ControlChannel channel;
  private DatastoreManager manager;

  private Agent() {}

  public static Agent start(AgentConfig config) throws IOException {
    Agent agent = new Agent();
    try {
      agent.boot(config);
      return agent;
    } catch (IOException | RuntimeException e) {
      agent.close();
      throw e;
    }
  }

  private void boot(AgentConfig config) throws IOException {
    long startedAt = System.currentTimeMillis();
    Enrollment.ensureCertificate(config); // an agent started with a token gets its certificate
    // before anything connects: an agent configured as another instance than its certificate
    // names would be taken for that other instance by the control
    CertificateIdentity.require(config.instanceId(), config.control().certFile());
    String runId = UUID.randomUUID().toString();
    AgentKeyManager keys =
        new AgentKeyManager(
            KeyMaterial.read(config.control().certFile(), config.control().keyFile()));
    CompletableFuture<ManagedChannel> transport = ControlChannel.dial(config, keys);
    // until the channel owns it: a start that fails on the way must not leave it connecting
    resources.add(() -> transport.thenAccept(ManagedChannel::shutdownNow));
    Files.createDirectories(config.stateDir());
    JobJournal journal = JobJournal.open(config.stateDir());
    resources.add(journal);
    int aborted = journal.abortInterrupted();
    if (aborted > 0) {
      log.warn(
          "{} job(s) were interrupted by the previous agent exit and are reported ABORTED",
          aborted);
    }
    journal.prune(Clock.systemUTC().instant().minus(JOURNAL_RETENTION));

    PluginHost plugins = PluginHost.load(config.pluginsDir());
    resources.add(plugins);
    AgentConfig.Datastore ds = config.datastore();
    manager = plugins.datastore(ds.engine());
    manager.init(
        new DatastoreContext(
            config.instanceId(),
            ds.dataDir(),
            ds.runDir(),
            ds.bindAddress(),
            ds.port(),
            ds.osUser(),
            ds.settings(),
            ds.advertiseAddress()));
    Facets.check(manager);
    resources.add(manager::close);

    supervisor =
        new ProcessSupervisor(
            ds.engine(),
            manager.serverProcess(),
            manager::prepare,
            manager::awaitReady,
            READY_TIMEOUT);
    resources.add(supervisor);
    SupervisedServer server = new SupervisedServer(supervisor);
    BackupStorage storage = BackupStorages.open(config.backup(), resources);
    BackupService backups =
        new BackupService(
            storage,
            manager,
            server,
            new WorkArea(config.stateDir().resolve("backup-work")),
            Clock.systemUTC(),
            config.backup().compression());
    sweep(backups);
    ArchiveKeys archiveKeys = ArchiveKeys.open(config.stateDir());
    LogArchiver archiver = archiver(manager, storage, archiveKeys, config.instanceId(), supervisor);
    if (archiver != null) {
      backups.archiveWith(archiver);
    }
    AtomicReference<ControlChannel> events = new AtomicReference<>();
    LeaseKeeper lease =
        new LeaseKeeper(
            config.stateDir(),
            () -> manager.replication().fence(server),
            () -> manager.replication().promote(),
            // asked only when a fence is due, and then at once (not at the next heartbeat): a
            // primary that
            // restarts without its lease is fenced within ~100 ms of answering
            () -> manager.replication().status().role(),
            e -> Optional.ofNullable(events.get()).ifPresent(c -> c.report(e)),
            System::nanoTime);
    resources.add(lease);
    NoticeWatch notices =
        new NoticeWatch(
            ds.dataDir(),
            config.control().certFile(),
            config.notices(),
            e -> Optional.ofNullable(events.get()).ifPresent(c -> c.report(e)),
            Clock.systemUTC());
    resources.add(notices);
    HeartbeatSource heartbeats =
        new HeartbeatSource(
            manager,
            supervisor,
            ds.advertiseAddress(),
            ds.advertisePort(),
            archiver == null ? Optional::empty : () -> Optional.of(archiver.status()),
            () -> {
              Map<String, Double> m = new HashMap<>(lease.metrics());
              m.putAll(notices.metrics());
              return m;
            });
    CommandExecutor executor =
        new CommandExecutor(
            manager, backups, server, journal, supervisor.whenReady(), Clock.systemUTC(), lease);
    resources.add(executor);
    List<String> capabilities = Advertised.of(manager);
    channel =
        new ControlChannel(
            config,
            transport,
            () ->
                Hello.newBuilder()
                    .setInstanceId(config.instanceId())
                    .setAgentVersion(Version.current())
                    .setPluginApiVersion(PluginApi.VERSION)
                    .setDatastore(heartbeats.datastore())
                    .addAllPlugins(plugins.describe())
                    .addAllCapabilities(capabilities)
                    .setHeartbeatIntervalMillis((int) config.heartbeatInterval().toMillis())
                    .setStartedAtMillis(startedAt)
                    .setAgentRunId(runId),
            heartbeats::next,
            executor,
            journal,
            archiveKeys,
            lease);
    events.set(channel);
    resources.add(channel);
    CertificateRenewal renewal =
        new CertificateRenewal(
            config.instanceId(),
            config.control(),
            keys,
            transport.join(),
            Clock.systemUTC(),
            () -> channel.reconnect("the agent's certificate was renewed"));
    resources.add(renewal);
    renewal.start();
    if (manager.capabilities().contains(Capability.REPLICATION)) {
      lease.start(); // only a replicating instance is ever given a lease
    }

    supervisor.start();
    notices.start();
    if (archiver != null) {
      resources.add(archiver);
      archiver.start();
    }
    channel.start();
    if (config.backup().warmUp()) {
      CipherWarmUp.startInBackground();
    }
    log.info(
        "agent for instance {} started ({} plugin, control {}:{})",
        config.instanceId(),
        ds.engine(),
        config.control().host(),
        config.control().port());
  }

  /** The log archiver of a plugin that archives its log, or null. */
  private static LogArchiver archiver(
      DatastoreManager manager,
      BackupStorage storage,
      ArchiveKeys keys,
      String instanceId,
      ProcessSupervisor supervisor) {
    if (!manager.capabilities().contains(Capability.BACKUP)) {
      return null;
    }
    Optional<LogArchiving> archiving = manager.logArchiving();
    return archiving
        .map(
            a ->
                new LogArchiver(
                    storage,
                    a,
                    keys,
                    instanceId,
                    Clock.systemUTC(),
                    ARCHIVE_INTERVAL,
                    () -> supervisor.state() == ProcessSupervisor.State.READY))
        .orElse(null);
  }

  /** Cleans up after backups a killed agent left half-written; they were never COMPLETED. */
  private static void sweep(BackupService backups) {
    try {
      backups.sweep();
    } catch (IOException | RuntimeException e) {
      log.error(
          "cannot clean up interrupted backups now (backup storage unreachable?); retrying at the next start: {}",
          e.getMessage());
    }
  }

  /** The datastore manager the plugin provided (for tests and diagnostics). */
  public DatastoreManager datastoreManager() {
    return manager;
  }

  public ProcessSupervisor supervisor() {
    return supervisor;
  }

  /** true while connected to the control. */
  public Flux<Boolean> connected() {
    return channel.connected();
  }

  /** Stops the channel first (no new commands), then the datastore, then releases the rest. */
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
