package io.coffer.control.cli;

import io.coffer.control.ca.CofferHome;
import io.coffer.control.config.HostPort;
import io.coffer.proto.v1.BackupServiceGrpc;
import io.coffer.proto.v1.CertificateServiceGrpc;
import io.coffer.proto.v1.ClusterServiceGrpc;
import io.coffer.proto.v1.CommandOptions;
import io.coffer.proto.v1.CommandServiceGrpc;
import io.coffer.proto.v1.ConfigurationServiceGrpc;
import io.coffer.proto.v1.DatabaseServiceGrpc;
import io.coffer.proto.v1.EnrollmentTokenServiceGrpc;
import io.coffer.proto.v1.EventServiceGrpc;
import io.coffer.proto.v1.InstanceServiceGrpc;
import io.coffer.proto.v1.ReplicationServiceGrpc;
import io.coffer.proto.v1.UserServiceGrpc;
import io.coffer.proto.v1.WebhookServiceGrpc;
import io.grpc.CallCredentials;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.AbstractStub;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * A connection to the control's northbound API: TLS 1.3, verifying the control against the Coffer
 * CA, authenticating with the client certificate {@code HOME/clients/NAME.pem} or a bearer token.
 */
final class ControlClient implements AutoCloseable {

  /**
   * Extra time the client waits beyond the agent timeout, so the control's own answer arrives
   * first.
   */
  static final Duration GRACE = Duration.ofSeconds(5);

  /**
   * Client-side deadline when no --timeout is given (the control's default agent timeout is 30 s).
   */
  static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(60);

  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final ManagedChannel channel;
  private final HostPort target;
  private final Duration timeout;
  private final CallCredentials credentials;
  private final TlsFiles tlsFiles;

  private ControlClient(
      ManagedChannel channel,
      HostPort target,
      Duration timeout,
      CallCredentials credentials,
      TlsFiles tlsFiles) {
    this.tlsFiles = tlsFiles;
    this.channel = channel;
    this.target = target;
    this.timeout = timeout;
    this.credentials = credentials;
  }

  /**
   * Opens a channel (lazily: nothing is sent until the first call).
   *
   * @throws CliException when the CA or client certificate files are missing or unusable
   */
  static ControlClient connect(CofferCli cli, String clientName) {
    CofferHome home = cli.home();
    HostPort target = cli.control();
    Path caFile = cli.caFile();
    String token = cli.token();
    if (!Files.isReadable(caFile)) {
      throw new CliException(
          ExitCodes.FAILURE,
          (Files.exists(caFile) ? "cannot read" : "no")
              + " CA certificate at "
              + caFile
              + "; run 'coffer certs init' first (or pass --ca-file)");
    }
    SslContextBuilder tls =
        GrpcSslContexts.forClient().trustManager(caFile.toFile()).protocols("TLSv1.3");
    CallCredentials credentials = null;
    Path clientCert = null;
    if (token != null) {
      credentials = new BearerToken(token);
    } else {
      String name = clientName;
      Path cert = home.clientCert(name);
      Path key = home.clientKey(name);
      for (Path file : new Path[] {cert, key}) {
        if (!Files.isReadable(file)) {
          throw new CliException(
              ExitCodes.FAILURE,
              (Files.exists(file) ? "cannot read" : "no")
                  + " client "
                  + (file == cert ? "certificate" : "key")
                  + " for '"
                  + name
                  + "' at "
                  + file
                  + "; run 'coffer certs init' first (or 'coffer certs issue --client "
                  + name
                  + "', or use --token)");
        }
      }
      tls.keyManager(cert.toFile(), key.toFile());
      clientCert = cert;
    }
    SslContext context;
    try {
      context = tls.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new CliException(
          ExitCodes.FAILURE,
          "cannot set up TLS from "
              + caFile
              + (token == null ? " and the client certificate of '" + clientName + "'" : "")
              + ": "
              + e.getMessage(),
          e);
    }
    ManagedChannel channel =
        NettyChannelBuilder.forAddress(target.host(), target.port())
            .sslContext(context)
            .userAgent("coffer-cli/" + VersionProvider.version())
            .build();
    return new ControlClient(
        channel, target, cli.timeout(), credentials, new TlsFiles(caFile, clientCert));
  }

  HostPort target() {
    return target;
  }

  /** Options for a call reaching an agent; {@code commandId} null for read-only calls. */
  CommandOptions options(String commandId) {
    CommandOptions.Builder options = CommandOptions.newBuilder();
    if (commandId != null) {
      options.setCommandId(commandId);
    }
    if (timeout != null) {
      options.setTimeoutMillis((int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())));
    }
    return options.build();
  }

  InstanceServiceGrpc.InstanceServiceBlockingStub instances() {
    return configure(InstanceServiceGrpc.newBlockingStub(channel));
  }

  /**
   * For restarts, which last as long as the server takes to stop and start: see {@link
   * #backupJobs()}.
   */
  InstanceServiceGrpc.InstanceServiceBlockingStub instanceJobs() {
    return configureJob(InstanceServiceGrpc.newBlockingStub(channel));
  }

  EnrollmentTokenServiceGrpc.EnrollmentTokenServiceBlockingStub enrollmentTokens() {
    return configure(EnrollmentTokenServiceGrpc.newBlockingStub(channel));
  }

  CertificateServiceGrpc.CertificateServiceBlockingStub certificates() {
    return configure(CertificateServiceGrpc.newBlockingStub(channel));
  }

  /** Cluster workflows: each call returns at once (a workflow runs in the control). */
  ClusterServiceGrpc.ClusterServiceBlockingStub clusters() {
    return configure(ClusterServiceGrpc.newBlockingStub(channel));
  }

  /** Event watches last until the caller stops them: no deadline. */
  EventServiceGrpc.EventServiceBlockingStub events() {
    EventServiceGrpc.EventServiceBlockingStub stub = EventServiceGrpc.newBlockingStub(channel);
    return credentials != null ? stub.withCallCredentials(credentials) : stub;
  }

  WebhookServiceGrpc.WebhookServiceBlockingStub webhooks() {
    return configure(WebhookServiceGrpc.newBlockingStub(channel));
  }

  ConfigurationServiceGrpc.ConfigurationServiceBlockingStub configuration() {
    return configure(ConfigurationServiceGrpc.newBlockingStub(channel));
  }

  DatabaseServiceGrpc.DatabaseServiceBlockingStub databases() {
    return configure(DatabaseServiceGrpc.newBlockingStub(channel));
  }

  UserServiceGrpc.UserServiceBlockingStub users() {
    return configure(UserServiceGrpc.newBlockingStub(channel));
  }

  CommandServiceGrpc.CommandServiceBlockingStub commands() {
    return configure(CommandServiceGrpc.newBlockingStub(channel));
  }

  BackupServiceGrpc.BackupServiceBlockingStub backups() {
    return configure(BackupServiceGrpc.newBlockingStub(channel));
  }

  /** Replicas and their workflows: each call returns at once (a workflow runs in the control). */
  ReplicationServiceGrpc.ReplicationServiceBlockingStub replication() {
    return configure(ReplicationServiceGrpc.newBlockingStub(channel));
  }

  /**
   * For calls that last as long as a backup job (RestoreBackup, DeleteBackup): the deadline is
   * {@code --timeout} plus {@link #GRACE}, or none, leaving it to the control (its job timeout, 24
   * h by default).
   */
  BackupServiceGrpc.BackupServiceBlockingStub backupJobs() {
    return configureJob(BackupServiceGrpc.newBlockingStub(channel));
  }

  /** {@link #backupJobs()} as a future stub, to follow a job's progress while waiting for it. */
  BackupServiceGrpc.BackupServiceFutureStub backupJobsAsync() {
    return configureJob(BackupServiceGrpc.newFutureStub(channel));
  }

  /** The failure of a call, as a one-line {@link CliException} with a connection hint. */
  CliException failure(StatusRuntimeException e, String commandId) {
    return Errors.of(e, target, channel.getState(false), commandId, tlsFiles);
  }

  private <S extends AbstractStub<S>> S configure(S stub) {
    Duration deadline = timeout != null ? timeout.plus(GRACE) : DEFAULT_DEADLINE;
    S configured = stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    return credentials != null ? configured.withCallCredentials(credentials) : configured;
  }

  private <S extends AbstractStub<S>> S configureJob(S stub) {
    S configured =
        timeout != null
            ? stub.withDeadlineAfter(timeout.plus(GRACE).toMillis(), TimeUnit.MILLISECONDS)
            : stub;
    return credentials != null ? configured.withCallCredentials(credentials) : configured;
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** {@code authorization: Bearer TOKEN} on every call. */
  static final class BearerToken extends CallCredentials {
    private final String token;

    BearerToken(String token) {
      this.token = token;
    }

    @Override
    public void applyRequestMetadata(
        RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
      Metadata headers = new Metadata();
      headers.put(AUTHORIZATION, "Bearer " + token);
      applier.apply(headers);
    }

    @Override
    public String toString() {
      return "BearerToken[redacted]";
    }
  }

  @Override
  public String toString() {
    return "ControlClient[" + target + ", state " + channel.getState(false) + "]";
  }

  ConnectivityState state() {
    return channel.getState(false);
  }
}
