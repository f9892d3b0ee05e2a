package io.coffer.agent.config;

import io.coffer.agent.backup.Compression;
import io.coffer.agent.storage.S3StorageConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the configuration tree ({@link AgentConfigLoader} reads it) into an {@link AgentConfig},
 * collecting every problem before failing, so one run of the agent shows them all.
 */
final class SettingsReader {
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
  private static final Map<String, Set<String>> KNOWN =
      Map.of(
          "",
              Set.of(
                  "instanceId",
                  "stateDir",
                  "pluginsDir",
                  "heartbeatInterval",
                  "control",
                  "datastore",
                  "backup",
                  "notices",
                  "enrollment"),
          "enrollment", Set.of("token", "tokenFile", "address"),
          "notices", Set.of("storageNearlyFullPercent", "certificateWarning"),
          "backup", Set.of("storage", "dir", "s3", "compression", "warmUp"),
          "backup.compression", Set.of("level", "workers"),
          "backup.s3",
              Set.of(
                  "endpoint",
                  "region",
                  "bucket",
                  "prefix",
                  "accessKey",
                  "secretKey",
                  "pathStyle",
                  "partSize"),
          "control", Set.of("address", "caFile", "certFile", "keyFile", "maxBackoff"),
          "datastore",
              Set.of(
                  "engine",
                  "dataDir",
                  "runDir",
                  "bindAddress",
                  "advertiseAddress",
                  "advertisePort",
                  "port",
                  "osUser",
                  "settings"));

  private final String source;
  private final Path base;
  private final List<String> problems = new ArrayList<>();

  SettingsReader(String source, Path base) {
    this.source = source;
    this.base = base;
  }

  AgentConfig read(Map<String, Object> root) {
    unknown("", root);
    Map<String, Object> control = object(root, "control");
    Map<String, Object> datastore = object(root, "datastore");
    unknown("control", control);
    unknown("datastore", datastore);

    String instanceId = text(root, "instanceId", null);
    if (instanceId != null && !NAME.matcher(instanceId).matches()) {
      problems.add(
          "instanceId '"
              + instanceId
              + "' must be 1-63 characters of a-z, 0-9 and '-', not starting or ending with '-'");
    }
    Path stateDir = path(root, "stateDir", null);
    Path pluginsDir =
        path(root, "pluginsDir", stateDir == null ? null : stateDir.resolve("plugins"));
    Duration heartbeat = duration(root, "heartbeatInterval", Duration.ofSeconds(2));
    if (heartbeat != null && (heartbeat.toMillis() < 200 || heartbeat.toSeconds() > 60)) {
      problems.add("heartbeatInterval must be between 200ms and 60s");
    }

    String address = text(control, "control.address", null);
    String host = null;
    int port = 0;
    if (address != null) {
      int colon = address.lastIndexOf(':');
      try {
        host = address.substring(0, colon);
        port = Integer.parseInt(address.substring(colon + 1));
        if (host.isEmpty() || port < 1 || port > 65535) {
          throw new IllegalArgumentException();
        }
      } catch (RuntimeException e) {
        problems.add("control.address '" + address + "' must be host:port");
      }
    }
    AgentConfig.Enrollment enrollment = enrollment(root, host);
    Path tls = stateDir == null ? null : stateDir.resolve("tls");
    AgentConfig.Control controlConfig =
        new AgentConfig.Control(
            host,
            port,
            file(control, "control.caFile"),
            enrollment == null
                ? file(control, "control.certFile")
                : path(control, "control.certFile", tls == null ? null : tls.resolve("agent.pem")),
            enrollment == null
                ? file(control, "control.keyFile")
                : path(control, "control.keyFile", tls == null ? null : tls.resolve("agent.key")),
            duration(control, "control.maxBackoff", Duration.ofSeconds(30)),
            enrollment);

    String engine = text(datastore, "datastore.engine", null);
    Path dataDir = path(datastore, "datastore.dataDir", null);
    Path runDir =
        path(datastore, "datastore.runDir", stateDir == null ? null : stateDir.resolve("run"));
    String bind = text(datastore, "datastore.bindAddress", "127.0.0.1");
    String advertise = text(datastore, "datastore.advertiseAddress", bind);
    int dsPort = integer(datastore, "datastore.port", null, 1, 65535);
    int advertisePort = integer(datastore, "datastore.advertisePort", 0, 1, 65535);
    String osUser = text(datastore, "datastore.osUser", "");
    Map<String, String> settings = new LinkedHashMap<>();
    section(datastore, "datastore.settings")
        .forEach(
            (name, value) -> {
              if (value instanceof String text) {
                settings.put(name, text);
              } else if (value != null) { // an unset one is left out: the plugin's default applies
                problems.add(
                    "datastore.settings." + name + " must be a single value, not a " + kind(value));
              }
            });
    AgentConfig.Backup backup = backup(root, stateDir);
    Map<String, Object> notices = section(root, "notices");
    unknown("notices", notices);
    int fullPercent = integer(notices, "notices.storageNearlyFullPercent", 90, 1, 99);
    Duration certificateWarning = duration(notices, "notices.certificateWarning", null);
    if (certificateWarning != null
        && (certificateWarning.toHours() < 1 || certificateWarning.toDays() > 365)) {
      problems.add("notices.certificateWarning must be between 1h and 365 days");
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(source, problems);
    }
    return new AgentConfig(
        instanceId,
        controlConfig,
        stateDir,
        pluginsDir,
        heartbeat,
        new AgentConfig.Datastore(
            engine, dataDir, runDir, bind, dsPort, osUser, settings, advertise, advertisePort),
        backup,
        new AgentConfig.Notices(fullPercent, certificateWarning));
  }

  /**
   * The optional {@code enrollment} section: {@code token} or {@code tokenFile} ({@code token} wins
   * when both are given; a {@code tokenFile} that does not exist leaves the token unknown, which
   * matters only if the agent has to enroll), and {@code address} (host:port of the control's API
   * listener; default the control's host, port 7444). The certificate and key files may then be
   * missing: enrollment writes them.
   */
  private AgentConfig.Enrollment enrollment(Map<String, Object> root, String controlHost) {
    Map<String, Object> e = section(root, "enrollment");
    unknown("enrollment", e);
    if (e.isEmpty()) {
      return null;
    }
    String token = value(e, "enrollment.token");
    String tokenFileName = value(e, "enrollment.tokenFile");
    Path tokenFile = tokenFileName == null ? null : base.resolve(tokenFileName.trim()).normalize();
    if (token == null && tokenFile == null) {
      problems.add("enrollment needs token or tokenFile (one of them)");
      return null;
    }
    // a token given (e.g. COFFER_AGENT_ENROLLMENT__TOKEN) wins over the image's tokenFile; a token
    // file that is gone (removed once spent) matters only when the agent has to enroll
    if (token == null && Files.exists(tokenFile)) {
      try { // the file as cloud-init writes it: the token, maybe a line break
        token = Files.readString(tokenFile).strip();
      } catch (IOException | RuntimeException x) {
        problems.add("enrollment.tokenFile " + tokenFile + " is not a readable file");
        return null;
      }
    }
    token = token == null ? null : token.strip();
    if (token != null && !token.matches("cet_[A-Za-z0-9_-]{43}")) {
      problems.add("the enrollment token is not one 'coffer enroll create' printed");
      return null;
    }
    String address =
        text(e, "enrollment.address", controlHost == null ? null : controlHost + ":7444");
    int colon = address == null ? -1 : address.lastIndexOf(':');
    try {
      String host = address.substring(0, colon);
      int port = Integer.parseInt(address.substring(colon + 1));
      if (host.isEmpty() || port < 1 || port > 65535) {
        throw new IllegalArgumentException();
      }
      return new AgentConfig.Enrollment(token, host, port, token == null ? tokenFile : null);
    } catch (RuntimeException x) {
      problems.add("enrollment.address '" + address + "' must be host:port");
      return null;
    }
  }

  private AgentConfig.Backup backup(Map<String, Object> root, Path stateDir) {
    Map<String, Object> b = section(root, "backup");
    unknown("backup", b);
    String storage = text(b, "backup.storage", "local");
    Path dir =
        path(b, "backup.dir", stateDir == null ? Path.of("backups") : stateDir.resolve("backups"));
    Compression compression = compression(b);
    String warm = text(b, "backup.warmUp", "true");
    boolean warmUp = warm.equalsIgnoreCase("true");
    if (!warmUp && !warm.equalsIgnoreCase("false")) {
      problems.add("backup.warmUp '" + warm + "' must be true or false");
    }
    if (storage.equals("local")) {
      if (b.containsKey("s3")) {
        problems.add("backup.s3 is set but backup.storage is local");
      }
      return new AgentConfig.Backup(storage, dir, null, compression, warmUp);
    }
    if (!storage.equals("s3")) {
      problems.add("backup.storage '" + storage + "' must be local or s3");
      return null;
    }
    Map<String, Object> s3 = object(b, "s3");
    unknown("backup.s3", s3);
    String endpoint = text(s3, "backup.s3.endpoint", "");
    URI endpointUri = null;
    if (!endpoint.isEmpty()) {
      try {
        endpointUri = URI.create(endpoint);
        if (endpointUri.getScheme() == null || endpointUri.getHost() == null) {
          throw new IllegalArgumentException();
        }
      } catch (IllegalArgumentException e) {
        problems.add(
            "backup.s3.endpoint '" + endpoint + "' must be a URL such as https://host:9000");
      }
    }
    String region = text(s3, "backup.s3.region", "us-east-1");
    String bucket = text(s3, "backup.s3.bucket", null);
    String prefix = text(s3, "backup.s3.prefix", "");
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      problems.add("backup.s3.prefix '" + prefix + "' must end with '/'");
    }
    String accessKey = text(s3, "backup.s3.accessKey", null);
    String secretKey = text(s3, "backup.s3.secretKey", null);
    String style = text(s3, "backup.s3.pathStyle", "true");
    boolean pathStyle = style.equalsIgnoreCase("true");
    if (!pathStyle && !style.equalsIgnoreCase("false")) {
      problems.add("backup.s3.pathStyle '" + style + "' must be true or false");
    }
    int partSize = S3StorageConfig.DEFAULT_PART_SIZE;
    String part = text(s3, "backup.s3.partSize", String.valueOf(partSize));
    try {
      partSize = Integer.parseInt(part);
      if (partSize < S3StorageConfig.MIN_PART_SIZE) {
        problems.add("backup.s3.partSize must be at least 5242880 (5 MiB, S3's minimum part)");
      }
    } catch (NumberFormatException e) {
      problems.add("backup.s3.partSize '" + part + "' is not a number of bytes");
    }
    if (!problems.isEmpty()) {
      return null;
    }
    return new AgentConfig.Backup(
        storage,
        dir,
        new S3StorageConfig(
            endpointUri, region, bucket, prefix, accessKey, secretKey, pathStyle, partSize),
        compression,
        warmUp);
  }

  private Compression compression(Map<String, Object> backup) {
    Compression d = Compression.DEFAULT;
    Map<String, Object> c = section(backup, "backup.compression");
    unknown("backup.compression", c);
    int level =
        integer(c, "backup.compression.level", d.level(), Integer.MIN_VALUE, Integer.MAX_VALUE);
    Compression.levelProblem(level)
        .ifPresent(problem -> problems.add("backup.compression.level " + problem));
    int workers = integer(c, "backup.compression.workers", d.workers(), 0, Compression.MAX_WORKERS);
    if (!problems.isEmpty()) {
      return d; // the problems are reported; an out-of-range value must not reach Compression
    }
    return new Compression(level, workers);
  }

  /** A required section; empty, with a problem, when it is missing or not a mapping. */
  private Map<String, Object> object(Map<String, Object> parent, String key) {
    if (parent.get(leaf(key)) == null) {
      problems.add(key + " is required");
    }
    return section(parent, key);
  }

  /** An optional section: empty when unset; empty, with a problem, when it is not a mapping. */
  private Map<String, Object> section(Map<String, Object> parent, String key) {
    Object n = parent.get(leaf(key));
    if (n == null) {
      return Map.of();
    }
    if (!(n instanceof Map<?, ?> m)) {
      problems.add(key + " must be a mapping");
      return Map.of();
    }
    return AgentConfigLoader.mapping(m);
  }

  private void unknown(String section, Map<String, Object> node) {
    for (String f : node.keySet()) {
      if (!KNOWN.get(section).contains(f)) {
        problems.add("unknown setting '" + (section.isEmpty() ? f : section + "." + f) + "'");
      }
    }
  }

  /**
   * The setting's text, or null when it is unset. A mapping or a list where one value belongs is a
   * problem (and counts as unset).
   */
  private String value(Map<String, Object> node, String key) {
    Object n = node.get(leaf(key));
    if (n == null || n instanceof String) {
      return (String) n;
    }
    problems.add(key + " must be a single value, not a " + kind(n));
    return null;
  }

  private static String leaf(String dotted) {
    return dotted.substring(dotted.lastIndexOf('.') + 1);
  }

  private String text(Map<String, Object> node, String key, String fallback) {
    String n = value(node, key);
    if (n == null || n.isBlank()) {
      if (fallback == null) {
        problems.add(key + " is required");
      }
      return fallback;
    }
    return n.trim();
  }

  private Path path(Map<String, Object> node, String key, Path fallback) {
    String n = value(node, key);
    if (n == null || n.isBlank()) {
      if (fallback == null) {
        problems.add(key + " is required");
      }
      return fallback;
    }
    return base.resolve(n.trim()).normalize();
  }

  private Path file(Map<String, Object> node, String key) {
    Path p = path(node, key, null);
    if (p != null && !Files.isReadable(p)) {
      problems.add(key + " " + p + " is not a readable file");
    }
    return p;
  }

  /**
   * An integer setting within [min, max]. Missing: {@code fallback}, or a problem when it is null
   * (required). Not a number or out of range: a problem.
   */
  private int integer(Map<String, Object> node, String key, Integer fallback, int min, int max) {
    String n = value(node, key);
    if (n == null) {
      if (fallback == null) {
        problems.add(key + " is required");
        return 0;
      }
      return fallback;
    }
    try {
      int v = Integer.parseInt(n.trim());
      if (v < min || v > max) {
        problems.add(key + " must be between " + min + " and " + max + ", not " + v);
      }
      return v;
    } catch (NumberFormatException e) {
      problems.add(key + " '" + n + "' is not a number");
      return fallback == null ? 0 : fallback;
    }
  }

  private Duration duration(Map<String, Object> node, String key, Duration fallback) {
    String n = value(node, key);
    if (n == null) {
      return fallback;
    }
    Matcher m = DURATION.matcher(n.trim());
    if (!m.matches()) {
      problems.add(key + " '" + n + "' is not a duration (examples: 500ms, 2s, 5m, 1h, 30d)");
      return fallback;
    }
    long v = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(v);
      case "s" -> Duration.ofSeconds(v);
      case "m" -> Duration.ofMinutes(v);
      case "d" -> Duration.ofDays(v);
      default -> Duration.ofHours(v);
    };
  }

  private static String kind(Object value) {
    return value instanceof Map<?, ?> ? "mapping" : "list";
  }
}
