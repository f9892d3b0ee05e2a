package io.coffer.control.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.coffer.control.ca.CofferHome;
import io.coffer.control.security.ApiToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The control's configuration. Every setting has an embedded default derived from {@link
 * CofferHome}, so {@code coffer control start} works with no file at all.
 *
 * <p>YAML keys (all optional): {@code home}, {@code agentListen} (host:port, default
 * 127.0.0.1:7443), {@code apiListen} (default 127.0.0.1:7444), {@code caFile}, {@code certFile},
 * {@code keyFile}, {@code stateDir}, {@code tokens} (list of {@code {name, token}} bearer tokens
 * for the northbound API, tokens at least 32 characters), {@code defaultTimeout} (30s), {@code
 * commandRetention} (7d), {@code heartbeatMisses} (3), {@code jobTimeout} (24h: how long a backup
 * or restore may wait for its agent), {@code scheduleTick} (30s: how often backup schedules are
 * checked), {@code eventLoopThreads} (1: the network threads both listeners share), {@code
 * agentCertificateValidity} (24h, 30s to 366d: the lifetime of the certificates the control issues
 * to agents at enrollment and renewal; agents renew at two thirds of it).
 *
 * @param agentListen where agents connect (mTLS, client certificate required)
 * @param apiListen where northbound callers connect (TLS; client certificate or bearer token)
 * @param eventLoopThreads Netty event loop threads shared by both listeners, 1 to 64. With one, a
 *     northbound call and the agent stream it is relayed to are served by the same thread, so the
 *     relay never hands a frame to another thread (11 instead of 17 us of control CPU per ping in
 *     {@code bin/coffer-bench}); more spread TLS work over cores for a control with many busy
 *     agents.
 */
public record ControlConfig(
    CofferHome home,
    HostPort agentListen,
    HostPort apiListen,
    Path caFile,
    Path certFile,
    Path keyFile,
    Path stateDir,
    List<ApiToken> tokens,
    Duration defaultTimeout,
    Duration commandRetention,
    int heartbeatMisses,
    Duration jobTimeout,
    Duration scheduleTick,
    int eventLoopThreads,
    Duration agentCertificateValidity) {

  /** Agent certificates last this long unless configured: renewed at two thirds, so 16 h. */
  public static final Duration DEFAULT_AGENT_CERTIFICATE_VALIDITY = Duration.ofHours(24);

  public ControlConfig {
    tokens = List.copyOf(tokens);
  }

  /** Defaults for everything, with files under {@code home}. */
  public static ControlConfig defaults(CofferHome home) {
    return new ControlConfig(
        home,
        new HostPort("127.0.0.1", 7443),
        new HostPort("127.0.0.1", 7444),
        home.caCert(),
        home.controlCert(),
        home.controlKey(),
        home.stateDir(),
        List.of(),
        Duration.ofSeconds(30),
        Duration.ofDays(7),
        3,
        Duration.ofHours(24),
        Duration.ofSeconds(30),
        1,
        DEFAULT_AGENT_CERTIFICATE_VALIDITY);
  }

  /** Same configuration with both listeners on the given ports (0 = any free port). */
  public ControlConfig withPorts(int agentPort, int apiPort) {
    return withListeners(
        new HostPort(agentListen.host(), agentPort), new HostPort(apiListen.host(), apiPort));
  }

  public ControlConfig withListeners(HostPort agents, HostPort api) {
    return new ControlConfig(
        home,
        agents,
        api,
        caFile,
        certFile,
        keyFile,
        stateDir,
        tokens,
        defaultTimeout,
        commandRetention,
        heartbeatMisses,
        jobTimeout,
        scheduleTick,
        eventLoopThreads,
        agentCertificateValidity);
  }

  /** Same configuration checking backup schedules every {@code tick} (tests use seconds). */
  public ControlConfig withScheduleTick(Duration tick) {
    return new ControlConfig(
        home,
        agentListen,
        apiListen,
        caFile,
        certFile,
        keyFile,
        stateDir,
        tokens,
        defaultTimeout,
        commandRetention,
        heartbeatMisses,
        jobTimeout,
        tick,
        eventLoopThreads,
        agentCertificateValidity);
  }

  /** Same configuration issuing agent certificates for {@code validity} (tests use seconds). */
  public ControlConfig withAgentCertificateValidity(Duration validity) {
    return new ControlConfig(
        home,
        agentListen,
        apiListen,
        caFile,
        certFile,
        keyFile,
        stateDir,
        tokens,
        defaultTimeout,
        commandRetention,
        heartbeatMisses,
        jobTimeout,
        scheduleTick,
        eventLoopThreads,
        validity);
  }

  public ControlConfig withTokens(List<ApiToken> newTokens) {
    return new ControlConfig(
        home,
        agentListen,
        apiListen,
        caFile,
        certFile,
        keyFile,
        stateDir,
        newTokens,
        defaultTimeout,
        commandRetention,
        heartbeatMisses,
        jobTimeout,
        scheduleTick,
        eventLoopThreads,
        agentCertificateValidity);
  }

  /** Raw YAML shape; every field optional. */
  record File(
      String home,
      String agentListen,
      String apiListen,
      String caFile,
      String certFile,
      String keyFile,
      String stateDir,
      List<ApiToken> tokens,
      String defaultTimeout,
      String commandRetention,
      Integer heartbeatMisses,
      String jobTimeout,
      String scheduleTick,
      Integer eventLoopThreads,
      String agentCertificateValidity) {}

  /**
   * Reads a YAML file over the defaults.
   *
   * @throws ConfigException naming the file and the setting at fault
   */
  public static ControlConfig load(Path file) {
    ObjectMapper yaml =
        new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    File raw;
    try {
      raw = yaml.readValue(Files.readAllBytes(file), File.class);
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigException(
          file
              + ": unknown setting '"
              + e.getPropertyName()
              + "' (known: "
              + e.getKnownPropertyIds()
              + ")");
    } catch (JsonMappingException e) {
      throw new ConfigException(file + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage());
    }
    if (raw == null) {
      raw =
          new File(
              null, null, null, null, null, null, null, null, null, null, null, null, null, null,
              null);
    }
    List<String> errors = new ArrayList<>();
    CofferHome home =
        raw.home() != null ? new CofferHome(Path.of(raw.home())) : CofferHome.fromEnvironment();
    ControlConfig d = defaults(home);
    HostPort agentListen = parse(errors, "agentListen", raw.agentListen(), d.agentListen());
    HostPort apiListen = parse(errors, "apiListen", raw.apiListen(), d.apiListen());
    Duration timeout = duration(errors, "defaultTimeout", raw.defaultTimeout(), d.defaultTimeout());
    Duration retention =
        duration(errors, "commandRetention", raw.commandRetention(), d.commandRetention());
    Duration jobTimeout = duration(errors, "jobTimeout", raw.jobTimeout(), d.jobTimeout());
    Duration tick = duration(errors, "scheduleTick", raw.scheduleTick(), d.scheduleTick());
    if (tick.toMillis() < 100) {
      errors.add("scheduleTick must be at least 100ms");
    }
    Duration agentValidity =
        duration(
            errors,
            "agentCertificateValidity",
            raw.agentCertificateValidity(),
            d.agentCertificateValidity());
    if (agentValidity.compareTo(Duration.ofSeconds(30)) < 0
        || agentValidity.compareTo(Duration.ofDays(366)) > 0) {
      errors.add("agentCertificateValidity must be between 30s and 366d");
    }
    int misses = raw.heartbeatMisses() == null ? d.heartbeatMisses() : raw.heartbeatMisses();
    if (misses < 1 || misses > 100) {
      errors.add("heartbeatMisses must be between 1 and 100");
    }
    int threads = raw.eventLoopThreads() == null ? d.eventLoopThreads() : raw.eventLoopThreads();
    if (threads < 1 || threads > 64) {
      errors.add("eventLoopThreads must be between 1 and 64");
    }
    List<ApiToken> tokens = raw.tokens() == null ? List.of() : raw.tokens();
    for (int i = 0; i < tokens.size(); i++) {
      ApiToken t = tokens.get(i);
      if (t.name() == null || t.name().isBlank()) {
        errors.add("tokens[" + i + "].name is required");
      }
      if (t.token() == null || t.token().length() < 32) {
        errors.add("tokens[" + i + "].token must be at least 32 characters");
      }
    }
    if (!errors.isEmpty()) {
      throw new ConfigException(file + ": " + String.join("; ", errors));
    }
    return new ControlConfig(
        home,
        agentListen,
        apiListen,
        raw.caFile() != null ? Path.of(raw.caFile()) : d.caFile(),
        raw.certFile() != null ? Path.of(raw.certFile()) : d.certFile(),
        raw.keyFile() != null ? Path.of(raw.keyFile()) : d.keyFile(),
        raw.stateDir() != null ? Path.of(raw.stateDir()) : d.stateDir(),
        tokens,
        timeout,
        retention,
        misses,
        jobTimeout,
        tick,
        threads,
        agentValidity);
  }

  private static HostPort parse(List<String> errors, String key, String value, HostPort fallback) {
    if (value == null) {
      return fallback;
    }
    try {
      return HostPort.parse(value);
    } catch (IllegalArgumentException e) {
      errors.add(key + ": " + e.getMessage());
      return fallback;
    }
  }

  private static Duration duration(
      List<String> errors, String key, String value, Duration fallback) {
    if (value == null) {
      return fallback;
    }
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      errors.add(key + ": " + e.getMessage());
      return fallback;
    }
  }
}
