package io.coffer.agent.config;

import io.coffer.agent.backup.Compression;
import io.coffer.agent.storage.S3StorageConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The agent's validated configuration (see {@link AgentConfigLoader} for the file format).
 *
 * @param instanceId the instance this agent manages; must equal the identity in its certificate
 * @param control how to reach the control
 * @param stateDir the agent's private directory: job journal, run files
 * @param pluginsDir where PF4J finds plugin zips/jars
 * @param heartbeatInterval time between heartbeats
 * @param datastore the managed datastore
 * @param backup where backups are kept
 * @param notices when the agent warns of a filling volume or an expiring certificate
 */
public record AgentConfig(
    String instanceId,
    Control control,
    Path stateDir,
    Path pluginsDir,
    Duration heartbeatInterval,
    Datastore datastore,
    Backup backup,
    Notices notices) {

  public AgentConfig {
    notices = notices == null ? Notices.DEFAULTS : notices;
  }

  /** With the default notices. */
  public AgentConfig(
      String instanceId,
      Control control,
      Path stateDir,
      Path pluginsDir,
      Duration heartbeatInterval,
      Datastore datastore,
      Backup backup) {
    this(
        instanceId,
        control,
        stateDir,
        pluginsDir,
        heartbeatInterval,
        datastore,
        backup,
        Notices.DEFAULTS);
  }

  /** The same agent, warning at these thresholds. */
  public AgentConfig withNotices(Notices n) {
    return new AgentConfig(
        instanceId, control, stateDir, pluginsDir, heartbeatInterval, datastore, backup, n);
  }

  /**
   * Thresholds of the agent's own events.
   *
   * @param storageNearlyFullPercent {@code storage_nearly_full} once the data directory's volume is
   *     this full, in percent of its size, 1 to 99 (default 90)
   * @param certificateWarning {@code certificate_near_expiry} once the agent's certificate expires
   *     within this, 1 hour to 365 days; null (the default) for 30 days but at most a quarter of
   *     the certificate's lifetime: the agent renews with a third left, so by default the notice
   *     means the renewal has been failing for a while
   */
  public record Notices(int storageNearlyFullPercent, Duration certificateWarning) {
    public static final Notices DEFAULTS = new Notices(90, null);
  }

  /**
   * Where this agent keeps backups.
   *
   * @param storage {@code local} (the embedded default) or {@code s3}
   * @param localDir the directory of {@code local} storage
   * @param s3 the bucket of {@code s3} storage; null for local
   * @param compression zstd level and workers
   * @param warmUp whether the ciphers are compiled soon after start ({@code backup.warmUp}, default
   *     true; see {@link io.coffer.agent.backup.CipherWarmUp}): off only where agents come and go
   *     by the hundred, as in a test suite
   */
  public record Backup(
      String storage, Path localDir, S3StorageConfig s3, Compression compression, boolean warmUp) {

    public Backup {
      compression = compression == null ? Compression.DEFAULT : compression;
    }

    /** With the warm-up. */
    public Backup(String storage, Path localDir, S3StorageConfig s3, Compression compression) {
      this(storage, localDir, s3, compression, true);
    }

    /** With the default compression and the warm-up. */
    public Backup(String storage, Path localDir, S3StorageConfig s3) {
      this(storage, localDir, s3, null);
    }

    /** This one with the warm-up on or off. */
    public Backup withWarmUp(boolean on) {
      return new Backup(storage, localDir, s3, compression, on);
    }
  }

  /**
   * @param host control host name as written in its certificate (e.g. localhost)
   * @param port agent gateway port
   * @param caFile PEM bundle of the Coffer CA
   * @param certFile this agent's certificate chain (PEM)
   * @param keyFile this agent's PKCS#8 private key (PEM)
   * @param maxBackoff cap of the reconnect backoff
   */
  public record Control(
      String host,
      int port,
      Path caFile,
      Path certFile,
      Path keyFile,
      Duration maxBackoff,
      Enrollment enrollment) {

    /** Without enrollment: the certificate and key files exist. */
    public Control(
        String host, int port, Path caFile, Path certFile, Path keyFile, Duration maxBackoff) {
      this(host, port, caFile, certFile, keyFile, maxBackoff, null);
    }
  }

  /**
   * How an agent without a certificate gets one: it makes its key, sends a certification request
   * with the one-time {@code token} to the control's enrollment endpoint at {@code host:port} (its
   * API listener, TLS that authenticates the control against {@code control.caFile}), and writes
   * the certificate and key to {@code control.certFile} and {@code control.keyFile}. Unused once
   * the certificate file exists.
   *
   * @param token the one-time token ({@code coffer enroll create}); never printed; null when the
   *     configured {@code tokenFile} does not exist (an agent that has its certificate needs none)
   * @param missingTokenFile that file, when {@code token} is null
   */
  public record Enrollment(String token, String host, int port, Path missingTokenFile) {
    public Enrollment(String token, String host, int port) {
      this(token, host, port, null);
    }

    @Override
    public String toString() {
      return "Enrollment[token=(hidden), host=" + host + ", port=" + port + "]";
    }
  }

  /**
   * @param engine plugin engine id, e.g. mysql
   * @param dataDir the engine's data directory
   * @param runDir sockets, pid files, rendered configuration
   * @param bindAddress address the server listens on
   * @param port server port
   * @param osUser OS account for the server process (empty: plugin default)
   * @param settings engine-specific settings, passed to the plugin as they are
   * @param advertiseAddress where clients and replicas reach the server (default: bindAddress)
   * @param advertisePort the port they reach it at, when a forward or proxy puts it elsewhere (0:
   *     {@code port})
   */
  public record Datastore(
      String engine,
      Path dataDir,
      Path runDir,
      String bindAddress,
      int port,
      String osUser,
      Map<String, String> settings,
      String advertiseAddress,
      int advertisePort) {

    public Datastore {
      advertiseAddress =
          advertiseAddress == null || advertiseAddress.isBlank() ? bindAddress : advertiseAddress;
      advertisePort = advertisePort == 0 ? port : advertisePort;
    }

    /** Advertised at the bind address and port. */
    public Datastore(
        String engine,
        Path dataDir,
        Path runDir,
        String bindAddress,
        int port,
        String osUser,
        Map<String, String> settings) {
      this(engine, dataDir, runDir, bindAddress, port, osUser, settings, bindAddress, port);
    }

    /** The same, advertised at {@code address:port} instead (where replicas reach it). */
    public Datastore advertisedAt(String address, int port) {
      return new Datastore(
          engine, dataDir, runDir, bindAddress, this.port, osUser, settings, address, port);
    }
  }
}
