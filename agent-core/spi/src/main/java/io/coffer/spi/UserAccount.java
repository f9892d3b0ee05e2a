package io.coffer.spi;

import java.util.List;
import java.util.Objects;

/**
 * A user account and the databases it may access.
 *
 * @param name engine-validated user name
 * @param host host pattern for engines that scope accounts by host (MySQL/MariaDB); {@code "%"} = any
 * @param databases databases the account has full access to
 */
public record UserAccount(String name, String host, List<String> databases) {
  public UserAccount {
    Objects.requireNonNull(name, "name");
    host = host == null || host.isEmpty() ? "%" : host;
    databases = databases == null ? List.of() : List.copyOf(databases);
  }
}
