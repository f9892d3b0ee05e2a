package io.coffer.plugin.redis.client;

import java.util.HashMap;
import java.util.Map;

/**
 * The {@code INFO} reply as fields ({@code name:value} lines; {@code #} lines are section titles),
 * see <a href="https://redis.io/docs/latest/commands/info/">INFO</a>.
 */
public final class Info {
  private final Map<String, String> fields;

  private Info(Map<String, String> fields) {
    this.fields = fields;
  }

  public static Info parse(String text) {
    Map<String, String> fields = new HashMap<>();
    for (String line : text.split("\r?\n")) {
      int colon = line.indexOf(':');
      if (!line.startsWith("#") && colon > 0) {
        fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
      }
    }
    return new Info(fields);
  }

  public String get(String name) {
    return fields.getOrDefault(name, "");
  }

  public long number(String name, long fallback) {
    try {
      return Long.parseLong(get(name));
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  /**
   * A replica line of a primary's replication section, e.g. {@code slave0} as {@code
   * ip=127.0.0.1,port=6380,state=online,offset=123,lag=0}, as fields.
   */
  public Map<String, String> replica(int index) {
    String line = get("slave" + index);
    Map<String, String> out = new HashMap<>();
    for (String part : line.split(",")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        out.put(part.substring(0, eq), part.substring(eq + 1));
      }
    }
    return out;
  }

  public Map<String, String> asMap() {
    return Map.copyOf(fields);
  }
}
