package io.coffer.agent.config;

import java.util.List;

/** The configuration cannot be used; the message lists every problem, each naming its setting. */
public class ConfigException extends RuntimeException {
  public ConfigException(String source, List<String> problems) {
    super(source + ": " + String.join("; ", problems));
  }
}
