package io.coffer.control.northbound;

import io.coffer.control.security.Identity;
import io.coffer.control.status.ApiErrors;
import io.coffer.proto.v1.CommandOptions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/** Field checks every northbound call shares; failures name the field (INVALID_ARGUMENT). */
final class Requests {
  private static final Pattern COMMAND_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  static final Duration MAX_TIMEOUT = Duration.ofHours(24);

  private Requests() {}

  static String instanceId(String value) {
    if (value.isEmpty()) {
      throw ApiErrors.invalidArgument("instance_id", "is required");
    }
    if (!Identity.NAME.matcher(value).matches()) {
      throw ApiErrors.invalidArgument("instance_id", "must be 1-63 characters of a-z, 0-9 and '-'");
    }
    return value;
  }

  static String required(String field, String value) {
    if (value.isEmpty()) {
      throw ApiErrors.invalidArgument(field, "is required");
    }
    return value;
  }

  static List<String> nonEmpty(String field, List<String> values) {
    if (values.isEmpty()) {
      throw ApiErrors.invalidArgument(field, "at least one is required");
    }
    for (int i = 0; i < values.size(); i++) {
      required(field + "[" + i + "]", values.get(i));
    }
    return values;
  }

  /** The caller's idempotency key, or a fresh one. */
  static String commandId(CommandOptions options) {
    String id = options.getCommandId();
    if (id.isEmpty()) {
      return UUID.randomUUID().toString();
    }
    if (!COMMAND_ID.matcher(id).matches()) {
      throw ApiErrors.invalidArgument(
          "options.command_id", "must be 1-128 characters of A-Z, a-z, 0-9, '.', '_', ':' and '-'");
    }
    return id;
  }

  static Duration timeout(CommandOptions options, Duration fallback) {
    if (options.getTimeoutMillis() == 0) {
      return fallback;
    }
    Duration d = Duration.ofMillis(options.getTimeoutMillis());
    if (d.compareTo(MAX_TIMEOUT) > 0) {
      throw ApiErrors.invalidArgument("options.timeout_millis", "must be at most 24 h");
    }
    return d;
  }
}
