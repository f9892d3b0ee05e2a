package io.coffer.control.config;

/** A configuration the control cannot start with; the message names the file and the setting. */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
