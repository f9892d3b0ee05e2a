package io.coffer.agent.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
 *                                  # (default: 30d, at most a quarter of the certificate's lifetime)
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
  static Map<String, Object> mapping(Map<?, ?> m) {
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
}
