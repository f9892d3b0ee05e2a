package io.coffer.control.northbound;

import io.coffer.control.backup.BackupManager;
import io.coffer.control.broker.Broker;
import io.coffer.control.ca.CertificateAuthority;
import io.coffer.control.cluster.ClusterManager;
import io.coffer.control.cluster.WholeClusterRecovery;
import io.coffer.control.events.Events;
import io.coffer.control.events.WebhookStore;
import io.coffer.control.ha.Failover;
import io.coffer.control.registry.AgentRegistry;
import io.coffer.control.replication.ReplicationManager;
import io.coffer.control.replication.Topology;
import io.coffer.control.security.EnrollmentTokens;
import io.coffer.control.security.Revocations;
import io.grpc.BindableService;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The northbound gRPC services, ready to bind behind the API authentication interceptor. */
public final class NorthboundServices {
  private NorthboundServices() {}

  /**
   * @param defaultTimeout how long calls wait for an agent unless they say otherwise
   * @param jobTimeout the same for backups, restores and server restarts
   */
  public static List<BindableService> create(
      Broker broker,
      AgentRegistry registry,
      BackupManager backups,
      ReplicationManager replication,
      Failover failover,
      Topology topology,
      ClusterManager clusters,
      WholeClusterRecovery clusterRecovery,
      Events events,
      WebhookStore webhooks,
      Revocations revocations,
      EnrollmentTokens enrollmentTokens,
      Clock clock,
      Duration defaultTimeout,
      Duration jobTimeout) {
    AgentCalls calls = new AgentCalls(broker, defaultTimeout);
    return List.of(
        new InstanceServiceImpl(registry, calls, jobTimeout),
        new ConfigurationServiceImpl(calls),
        new DatabaseServiceImpl(calls),
        new UserServiceImpl(calls),
        new CommandServiceImpl(broker),
        new DiagnosticsServiceImpl(calls),
        new BackupServiceImpl(backups, calls, jobTimeout),
        new ReplicationServiceImpl(replication, failover, topology, registry),
        new ClusterServiceImpl(clusters, clusterRecovery),
        new EventServiceImpl(events),
        new WebhookServiceImpl(webhooks, events.journal(), clock),
        new CertificateServiceImpl(revocations, registry, clock),
        new EnrollmentTokenServiceImpl(enrollmentTokens, clock));
  }

  /**
   * The enrollment endpoint, for agents without a certificate yet: served without the API's
   * authentication (the one-time token is the credential).
   *
   * @param ca the issuing CA, when this control holds its key
   * @param validity how long enrolled agents' certificates last
   */
  public static BindableService enrollment(
      EnrollmentTokens tokens, Optional<CertificateAuthority> ca, Duration validity, Clock clock) {
    return new EnrollmentServiceImpl(tokens, ca, validity, clock);
  }
}
