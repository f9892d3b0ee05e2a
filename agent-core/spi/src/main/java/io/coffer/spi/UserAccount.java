package io.coffer.spi;

import java.util.List;
import java.util.Objects;

/**
 * A user account and the databases it may access.
 *
 * @param name engine-validated user name
 * @param host host pattern for engines that scope accounts by host (MySQL/MariaDB); {@code "%"} =
 *     any
 * @param databases databases the account has full access to
 * @param accessRules the engine's own permission rules for engines whose accounts carry them
 *     instead of grants on databases (Redis ACL rules such as {@code ~app:* +@read}); empty for the
 *     engine's default (each plugin documents it)
 */
public record UserAccount(String name, String host, List<String> databases, String accessRules) {
  public UserAccount {
    Objects.requireNonNull(name, "name");
    host = host == null || host.isEmpty() ? "%" : host;
    databases = databases == null ? List.of() : List.copyOf(databases);
    accessRules = accessRules == null ? "" : accessRules;
  }

  /** An account with grants on databases and no engine-specific rules. */
  public UserAccount(String name, String host, List<String> databases) {
    this(name, host, databases, "");
  }
}
