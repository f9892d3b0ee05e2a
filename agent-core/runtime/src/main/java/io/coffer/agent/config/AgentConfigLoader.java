package io.coffer.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.coffer.agent.backup.Compression;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the agent's YAML configuration, applies environment overrides and validates it.
 *
 * <pre>
 * instanceId: db1                  # required; a-z 0-9 '-', 1-63 characters
 * stateDir: /var/lib/coffer-agent  # required
 * pluginsDir: /opt/coffer/plugins  # default: stateDir/plugins
 * heartbeatInterval: 2s            # 200ms .. 60s
 * control:
 *   address: localhost:7443        # required, host:port
 *   caFile: ca.pem                 # required
 *   certFile: db1.pem              # required
 *   keyFile: db1.key               # required
 *   maxBackoff: 30s                # reconnect backoff cap
 * datastore:
 *   engine: mysql                  # required
 *   dataDir: /var/lib/mysql        # required
 *   runDir: ...                    # default: stateDir/run
 *   bindAddress: 127.0.0.1
 *   advertiseAddress: 10.0.0.7     # where clients and replicas reach it; default: bindAddress
 *   port: 3306                     # required
 *   osUser: mysql                  # optional
 *   settings: {}                   # engine-specific
 * backup:                          # optional
 *   storage: local                 # local (default) | s3
 *   dir: /var/backups/coffer       # local: default stateDir/backups
 *   s3:                            # s3: required then
 *     endpoint: http://10.0.0.5:9000  # omit for AWS
 *     region: us-east-1
 *     bucket: backups              # must exist
 *     prefix: coffer/              # optional; ends with '/'
 *     accessKey: ...
 *     secretKey: ...               # better from COFFER_AGENT_BACKUP__S3__SECRET_KEY
 *     pathStyle: true              # endpoint/bucket addressing (most S3-compatible servers)
 *     partSize: 8388608            # bytes per multipart part, >= 5 MiB
 *   compression:
 *     level: 1                     # zstd level 1..19
 *     workers: 2                   # zstd threads 0..64; default: one per core (0: on the pipeline's thread)
 * </pre>
 *
 * Relative paths are resolved against the file's directory. Any setting can be overridden by an
 * environment variable {@code COFFER_AGENT_<PATH>}: levels separated by {@code __}, words by
 * {@code _} (joined in camelCase); e.g. {@code COFFER_AGENT_CONTROL__ADDRESS},
 * {@code COFFER_AGENT_DATASTORE__DATA_DIR}, {@code COFFER_AGENT_DATASTORE__SETTINGS__BIN_DIR}
 * ({@code settings.binDir}), {@code COFFER_AGENT_INSTANCE_ID}.
 */
public final class AgentConfigLoader {
  public static final String ENV_PREFIX = "COFFER_AGENT_";
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");
  private static final Map<String, Set<String>> KNOWN = Map.of(
      "", Set.of("instanceId", "stateDir", "pluginsDir", "heartbeatInterval", "control", "datastore", "backup"),
      "backup", Set.of("storage", "dir", "s3", "compression"),
      "backup.compression", Set.of("level", "workers"),
      "backup.s3", Set.of("endpoint", "region", "bucket", "prefix", "accessKey", "secretKey", "pathStyle", "partSize"),
      "control", Set.of("address", "caFile", "certFile", "keyFile", "maxBackoff"),
      "datastore", Set.of("engine", "dataDir", "runDir", "bindAddress", "advertiseAddress", "port", "osUser", "settings"));

  private AgentConfigLoader() {}

  /** Loads {@code file} with overrides from the process environment. */
  public static AgentConfig load(Path file) {
    return load(file, System.getenv());
  }

  public static AgentConfig load(Path file, Map<String, String> env) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new ConfigException(file.toString(), List.of("cannot read: " + e.getMessage()));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      root = JsonNodeFactory.instance.objectNode();
    }
    if (!root.isObject()) {
      throw new ConfigException(file.toString(), List.of("the file must be a YAML mapping"));
    }
    applyEnvironment((ObjectNode) root, env);
    Path base = file.toAbsolutePath().getParent();
    return new Reader(file.toString(), base).read((ObjectNode) root);
  }

  /** COFFER_AGENT_DATASTORE__DATA_DIR=x sets datastore.dataDir = x. */
  static void applyEnvironment(ObjectNode root, Map<String, String> env) {
    env.forEach((key, value) -> {
      if (!key.startsWith(ENV_PREFIX)) {
        return;
      }
      String[] levels = key.substring(ENV_PREFIX.length()).toLowerCase().split("__");
      ObjectNode node = root;
      for (int i = 0; i < levels.length - 1; i++) {
        String name = camel(levels[i]);
        JsonNode child = node.get(name);
        node = child instanceof ObjectNode o ? o : node.putObject(name);
      }
      node.put(camel(levels[levels.length - 1]), value);
    });
  }

  private static String camel(String snake) {
    StringBuilder out = new StringBuilder();
    boolean upper = false;
    for (char c : snake.toCharArray()) {
      if (c == '_') {
        upper = true;
      } else {
        out.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return out.toString();
  }

  /** Collects every problem before failing, so one run of the agent shows them all. */
  private static final class Reader {
    private final String source;
    private final Path base;
    private final List<String> problems = new ArrayList<>();

    Reader(String source, Path base) {
      this.source = source;
      this.base = base;
    }

    AgentConfig read(ObjectNode root) {
      unknown("", root);
      ObjectNode control = object(root, "control");
      ObjectNode datastore = object(root, "datastore");
      unknown("control", control);
      unknown("datastore", datastore);

      String instanceId = text(root, "instanceId", null);
      if (instanceId != null && !NAME.matcher(instanceId).matches()) {
        problems.add("instanceId '" + instanceId + "' must be 1-63 characters of a-z, 0-9 and '-', not starting or ending with '-'");
      }
      Path stateDir = path(root, "stateDir", null);
      Path pluginsDir = path(root, "pluginsDir", stateDir == null ? null : stateDir.resolve("plugins"));
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
      AgentConfig.Control controlConfig = new AgentConfig.Control(
          host, port,
          file(control, "control.caFile"),
          file(control, "control.certFile"),
          file(control, "control.keyFile"),
          duration(control, "control.maxBackoff", Duration.ofSeconds(30)));

      String engine = text(datastore, "datastore.engine", null);
      Path dataDir = path(datastore, "datastore.dataDir", null);
      Path runDir = path(datastore, "datastore.runDir", stateDir == null ? null : stateDir.resolve("run"));
      String bind = text(datastore, "datastore.bindAddress", "127.0.0.1");
      String advertise = text(datastore, "datastore.advertiseAddress", bind);
      int dsPort = integer(datastore, "datastore.port", null, 1, 65535);
      String osUser = text(datastore, "datastore.osUser", "");
      Map<String, String> settings = new LinkedHashMap<>();
      JsonNode s = datastore.get("settings");
      if (s != null && !s.isNull()) {
        if (!s.isObject()) {
          problems.add("datastore.settings must be a mapping");
        } else {
          s.fields().forEachRemaining(e -> settings.put(e.getKey(), e.getValue().asText()));
        }
      }
      AgentConfig.Backup backup = backup(root, stateDir);
      if (!problems.isEmpty()) {
        throw new ConfigException(source, problems);
      }
      return new AgentConfig(instanceId, controlConfig, stateDir, pluginsDir, heartbeat,
          new AgentConfig.Datastore(engine, dataDir, runDir, bind, dsPort, osUser, settings, advertise), backup);
    }

    private AgentConfig.Backup backup(ObjectNode root, Path stateDir) {
      JsonNode node = root.get("backup");
      if (node != null && !node.isNull() && !node.isObject()) {
        problems.add("backup must be a mapping");
        return null;
      }
      ObjectNode b = node instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
      unknown("backup", b);
      String storage = text(b, "backup.storage", "local");
      Path dir = path(b, "backup.dir", stateDir == null ? Path.of("backups") : stateDir.resolve("backups"));
      Compression compression = compression(b);
      if (storage.equals("local")) {
        if (b.has("s3")) {
          problems.add("backup.s3 is set but backup.storage is local");
        }
        return new AgentConfig.Backup(storage, dir, null, compression);
      }
      if (!storage.equals("s3")) {
        problems.add("backup.storage '" + storage + "' must be local or s3");
        return null;
      }
      ObjectNode s3 = object(b, "s3");
      unknown("backup.s3", s3);
      String endpoint = text(s3, "backup.s3.endpoint", "");
      java.net.URI endpointUri = null;
      if (!endpoint.isEmpty()) {
        try {
          endpointUri = java.net.URI.create(endpoint);
          if (endpointUri.getScheme() == null || endpointUri.getHost() == null) {
            throw new IllegalArgumentException();
          }
        } catch (IllegalArgumentException e) {
          problems.add("backup.s3.endpoint '" + endpoint + "' must be a URL such as https://host:9000");
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
      boolean pathStyle = Boolean.parseBoolean(text(s3, "backup.s3.pathStyle", "true"));
      int partSize = io.coffer.agent.storage.S3StorageConfig.DEFAULT_PART_SIZE;
      String part = text(s3, "backup.s3.partSize", String.valueOf(partSize));
      try {
        partSize = Integer.parseInt(part);
        if (partSize < io.coffer.agent.storage.S3StorageConfig.MIN_PART_SIZE) {
          problems.add("backup.s3.partSize must be at least 5242880 (5 MiB, S3's minimum part)");
        }
      } catch (NumberFormatException e) {
        problems.add("backup.s3.partSize '" + part + "' is not a number of bytes");
      }
      if (!problems.isEmpty()) {
        return null;
      }
      return new AgentConfig.Backup(storage, dir, new io.coffer.agent.storage.S3StorageConfig(
          endpointUri, region, bucket, prefix, accessKey, secretKey, pathStyle, partSize), compression);
    }

    private Compression compression(ObjectNode backup) {
      Compression d = Compression.DEFAULT;
      JsonNode node = backup.get("compression");
      if (node == null || node.isNull()) {
        return d;
      }
      if (!node.isObject()) {
        problems.add("backup.compression must be a mapping");
        return d;
      }
      ObjectNode c = (ObjectNode) node;
      unknown("backup.compression", c);
      int level = integer(c, "backup.compression.level", d.level(), Integer.MIN_VALUE, Integer.MAX_VALUE);
      Compression.levelProblem(level).ifPresent(problem -> problems.add("backup.compression.level " + problem));
      int workers = integer(c, "backup.compression.workers", d.workers(), 0, Compression.MAX_WORKERS);
      if (!problems.isEmpty()) {
        return d; // the problems are reported; an out-of-range value must not reach Compression
      }
      return new Compression(level, workers);
    }

    private ObjectNode object(ObjectNode parent, String key) {
      JsonNode n = parent.get(key);
      if (n == null || n.isNull()) {
        problems.add(key + " is required");
        return JsonNodeFactory.instance.objectNode();
      }
      if (!n.isObject()) {
        problems.add(key + " must be a mapping");
        return JsonNodeFactory.instance.objectNode();
      }
      return (ObjectNode) n;
    }

    private void unknown(String section, ObjectNode node) {
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!KNOWN.get(section).contains(f)) {
          problems.add("unknown setting '" + (section.isEmpty() ? f : section + "." + f) + "'");
        }
      }
    }

    private static String leaf(String dotted) {
      return dotted.substring(dotted.lastIndexOf('.') + 1);
    }

    private String text(ObjectNode node, String key, String fallback) {
      JsonNode n = node.get(leaf(key));
      if (n == null || n.isNull() || n.asText().isBlank()) {
        if (fallback == null) {
          problems.add(key + " is required");
        }
        return fallback;
      }
      return n.asText().trim();
    }

    private Path path(ObjectNode node, String key, Path fallback) {
      JsonNode n = node.get(leaf(key));
      if (n == null || n.isNull() || n.asText().isBlank()) {
        if (fallback == null) {
          problems.add(key + " is required");
        }
        return fallback;
      }
      return base.resolve(n.asText().trim()).normalize();
    }

    private Path file(ObjectNode node, String key) {
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
    private int integer(ObjectNode node, String key, Integer fallback, int min, int max) {
      JsonNode n = node.get(leaf(key));
      if (n == null || n.isNull()) {
        if (fallback == null) {
          problems.add(key + " is required");
          return 0;
        }
        return fallback;
      }
      try {
        int v = Integer.parseInt(n.asText().trim());
        if (v < min || v > max) {
          problems.add(key + " must be between " + min + " and " + max + ", not " + v);
        }
        return v;
      } catch (NumberFormatException e) {
        problems.add(key + " '" + n.asText() + "' is not a number");
        return fallback == null ? 0 : fallback;
      }
    }

    private Duration duration(ObjectNode node, String key, Duration fallback) {
      JsonNode n = node.get(leaf(key));
      if (n == null || n.isNull()) {
        return fallback;
      }
      Matcher m = DURATION.matcher(n.asText().trim());
      if (!m.matches()) {
        problems.add(key + " '" + n.asText() + "' is not a duration (examples: 500ms, 2s, 5m)");
        return fallback;
      }
      long v = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(v);
        case "s" -> Duration.ofSeconds(v);
        case "m" -> Duration.ofMinutes(v);
        default -> Duration.ofHours(v);
      };
    }
  }
}
