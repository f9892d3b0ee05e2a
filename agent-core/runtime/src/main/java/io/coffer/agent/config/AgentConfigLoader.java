package io.coffer.agent.config;

import io.coffer.agent.backup.Compression;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

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
 *   advertisePort: 13306           # the port they reach it at (a forward or proxy); default: port
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
 * notices:                         # optional: when the agent warns the control (events)
 *   storageNearlyFullPercent: 90   # storage_nearly_full at this share of the data volume, 1..99
 *   certificateWarning: 30d        # certificate_near_expiry this long before the agent's certificate ends
 * </pre>
 *
 * Values are taken as written: {@code 0640}, {@code 1.50} or {@code off} reach the setting as those
 * characters (the YAML is read as a tree of text, with SnakeYAML's composer; no YAML 1.1 typing
 * turns them into 416, 1.5 or false). A value that is {@code ~}, {@code null} or empty is unset.
 *
 * <p>Relative paths are resolved against the file's directory. Any setting can be overridden by an
 * environment variable {@code COFFER_AGENT_<PATH>}: levels separated by {@code __}, words by {@code
 * _} (joined in camelCase); e.g. {@code COFFER_AGENT_CONTROL__ADDRESS}, {@code
 * COFFER_AGENT_DATASTORE__DATA_DIR}, {@code COFFER_AGENT_DATASTORE__SETTINGS__BIN_DIR} ({@code
 * settings.binDir}), {@code COFFER_AGENT_INSTANCE_ID}.
 */
public final class AgentConfigLoader {
  public static final String ENV_PREFIX = "COFFER_AGENT_";
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
                  "notices"),
          "notices", Set.of("storageNearlyFullPercent", "certificateWarning"),
          "backup", Set.of("storage", "dir", "s3", "compression"),
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

  private AgentConfigLoader() {}

  /** Loads {@code file} with overrides from the process environment. */
  public static AgentConfig load(Path file) {
    return load(file, System.getenv());
  }

  public static AgentConfig load(Path file, Map<String, String> env) {
    Object root;
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      root = firstDocument(new Yaml(new SafeConstructor(new LoaderOptions())).composeAll(in));
    } catch (IOException | YAMLException e) {
      throw new ConfigException(file.toString(), List.of("cannot read: " + e.getMessage()));
    }
    if (root == null) {
      root = new LinkedHashMap<String, Object>();
    }
    if (!(root instanceof Map<?, ?>)) {
      throw new ConfigException(file.toString(), List.of("the file must be a YAML mapping"));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> settings = (Map<String, Object>) root;
    applyEnvironment(settings, env);
    Path base = file.toAbsolutePath().getParent();
    return new SettingsReader(file.toString(), base).read(settings);
  }

  /** The file's one document (a trailing {@code ---} with nothing after it is fine). */
  private static Object firstDocument(Iterable<Node> documents) {
    Object first = null;
    int count = 0;
    for (Node document : documents) {
      if (count++ == 0) {
        first = tree(document);
      } else if (tree(document) != null) { // an empty one reads as null
        throw new YAMLException("the file holds more than one YAML document; the agent reads one");
      }
    }
    return first;
  }

  /**
   * The composed YAML as plain values: a mapping becomes a {@code Map<String, Object>} (in file
   * order; a repeated key keeps its last value), a sequence a {@code List<Object>}, a scalar its
   * text as written, a null scalar {@code null}. An alias is followed (SnakeYAML caps how many
   * there are); one that refers to a node containing it is refused.
   */
  static Object tree(Node node) {
    return tree(node, Collections.newSetFromMap(new IdentityHashMap<>()));
  }

  private static Object tree(Node node, Set<Node> enclosing) {
    if (node == null) {
      return null;
    }
    if (node instanceof ScalarNode scalar) {
      return Tag.NULL.equals(scalar.getTag()) ? null : scalar.getValue();
    }
    if (!enclosing.add(node)) {
      throw new YAMLException(
          "an alias at line "
              + (node.getStartMark().getLine() + 1)
              + " refers to a node that contains it");
    }
    try {
      if (node instanceof MappingNode mapping) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (NodeTuple t : mapping.getValue()) {
          if (!(t.getKeyNode() instanceof ScalarNode key)) {
            throw new YAMLException(
                "a key at line "
                    + (t.getKeyNode().getStartMark().getLine() + 1)
                    + " is not plain text");
          }
          out.put(key.getValue(), tree(t.getValueNode(), enclosing));
        }
        return out;
      }
      List<Object> out = new ArrayList<>();
      for (Node n : ((SequenceNode) node).getValue()) {
        out.add(tree(n, enclosing));
      }
      return out;
    } finally {
      enclosing.remove(node);
    }
  }

  /** COFFER_AGENT_DATASTORE__DATA_DIR=x sets datastore.dataDir = x. */
  static void applyEnvironment(Map<String, Object> root, Map<String, String> env) {
    env.forEach(
        (key, value) -> {
          if (!key.startsWith(ENV_PREFIX)) {
            return;
          }
          String[] levels = key.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).split("__");
          Map<String, Object> node = root;
          for (int i = 0; i < levels.length - 1; i++) {
            String name = camel(levels[i]);
            node =
                node.get(name) instanceof Map<?, ?> child ? mapping(child) : newChild(node, name);
          }
          node.put(camel(levels[levels.length - 1]), value);
        });
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> mapping(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }

  private static Map<String, Object> newChild(Map<String, Object> parent, String name) {
    Map<String, Object> child = new LinkedHashMap<>();
    parent.put(name, child);
    return child;
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
  private static final class SettingsReader {
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
      AgentConfig.Control controlConfig =
          new AgentConfig.Control(
              host,
              port,
              file(control, "control.caFile"),
              file(control, "control.certFile"),
              file(control, "control.keyFile"),
              duration(control, "control.maxBackoff", Duration.ofSeconds(30)));

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
                } else if (value
                    != null) { // an unset one is left out: the plugin's default applies
                  problems.add(
                      "datastore.settings."
                          + name
                          + " must be a single value, not a "
                          + kind(value));
                }
              });
      AgentConfig.Backup backup = backup(root, stateDir);
      Map<String, Object> notices = section(root, "notices");
      unknown("notices", notices);
      int fullPercent = integer(notices, "notices.storageNearlyFullPercent", 90, 1, 99);
      Duration certificateWarning =
          duration(notices, "notices.certificateWarning", Duration.ofDays(30));
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

    private AgentConfig.Backup backup(Map<String, Object> root, Path stateDir) {
      Map<String, Object> b = section(root, "backup");
      unknown("backup", b);
      String storage = text(b, "backup.storage", "local");
      Path dir =
          path(
              b, "backup.dir", stateDir == null ? Path.of("backups") : stateDir.resolve("backups"));
      Compression compression = compression(b);
      if (storage.equals("local")) {
        if (b.containsKey("s3")) {
          problems.add("backup.s3 is set but backup.storage is local");
        }
        return new AgentConfig.Backup(storage, dir, null, compression);
      }
      if (!storage.equals("s3")) {
        problems.add("backup.storage '" + storage + "' must be local or s3");
        return null;
      }
      Map<String, Object> s3 = object(b, "s3");
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
      return new AgentConfig.Backup(
          storage,
          dir,
          new io.coffer.agent.storage.S3StorageConfig(
              endpointUri, region, bucket, prefix, accessKey, secretKey, pathStyle, partSize),
          compression);
    }

    private Compression compression(Map<String, Object> backup) {
      Compression d = Compression.DEFAULT;
      Map<String, Object> c = section(backup, "backup.compression");
      unknown("backup.compression", c);
      int level =
          integer(c, "backup.compression.level", d.level(), Integer.MIN_VALUE, Integer.MAX_VALUE);
      Compression.levelProblem(level)
          .ifPresent(problem -> problems.add("backup.compression.level " + problem));
      int workers =
          integer(c, "backup.compression.workers", d.workers(), 0, Compression.MAX_WORKERS);
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
      return mapping(m);
    }

    private void unknown(String section, Map<String, Object> node) {
      for (String f : node.keySet()) {
        if (!KNOWN.get(section).contains(f)) {
          problems.add("unknown setting '" + (section.isEmpty() ? f : section + "." + f) + "'");
        }
      }
    }

    /**
     * The setting's text, or null when it is unset. A mapping or a list where one value belongs is
     * a problem (and counts as unset).
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
}
